package io.patinox.validator.ml;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.lance.Dataset;
import org.lance.WriteParams;
import org.lance.index.DistanceType;
import org.lance.ipc.LanceScanner;
import org.lance.ipc.Query;
import org.lance.ipc.ScanOptions;

/**
 * Known attacks' embedding vectors in a Lance dataset (a directory), searched by cosine similarity. Needs
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED} (Arrow).
 *
 * <p>The dataset is the store of record; {@link #nearest} searches a copy of its rows held in memory
 * (unit vectors, exact dot products): for a few thousand 384-d vectors that takes ~0.1 ms without a lock,
 * where a Lance scan through JNI took milliseconds and had to be serialised. {@link #nearestInDataset} still
 * asks Lance (tests compare both).
 */
public final class AttackVectorStore implements AutoCloseable {

    /** The nearest known attack and its cosine similarity (1 = same direction). */
    public record Match(String text, double similarity) {
    }

    private final int dimension;
    private final BufferAllocator allocator;
    private final Dataset dataset;

    private final String[] texts;
    /** Row-major unit vectors, {@code dimension} floats per row. */
    private final float[] unitVectors;

    private AttackVectorStore(BufferAllocator allocator, Dataset dataset, int dimension) {
        this.allocator = allocator;
        this.dataset = dataset;
        this.dimension = dimension;
        List<String> rowTexts = new ArrayList<>();
        List<float[]> rowVectors = new ArrayList<>();
        try (LanceScanner scanner = dataset.newScan(new ScanOptions.Builder().build());
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                VarCharVector text = (VarCharVector) root.getVector("text");
                FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
                Float4Vector items = (Float4Vector) vec.getDataVector();
                for (int i = 0; i < root.getRowCount(); i++) {
                    rowTexts.add(new String(text.get(i), StandardCharsets.UTF_8));
                    float[] v = new float[dimension];
                    int offset = vec.getElementStartIndex(i);
                    for (int d = 0; d < dimension; d++) {
                        v[d] = items.get(offset + d);
                    }
                    rowVectors.add(v);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read the attack vectors: " + e.getMessage(), e);
        }
        this.texts = rowTexts.toArray(String[]::new);
        this.unitVectors = new float[texts.length * dimension];
        for (int r = 0; r < texts.length; r++) {
            float[] unit = unit(rowVectors.get(r));
            System.arraycopy(unit, 0, unitVectors, r * dimension, dimension);
        }
    }

    private static float[] unit(float[] v) {
        double norm = 0;
        for (float x : v) {
            norm += x * x;
        }
        norm = Math.sqrt(norm);
        float[] u = new float[v.length];
        if (norm == 0) {
            return u;
        }
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] / norm);
        }
        return u;
    }

    /** The known attack nearest to {@code vector} by cosine similarity, if any (exact, in memory). */
    public Match nearest(float[] vector) {
        if (vector.length != dimension) {
            throw new IllegalArgumentException("vector of " + vector.length + " dimensions, expected " + dimension);
        }
        float[] q = unit(vector);
        int best = -1;
        double bestSimilarity = Double.NEGATIVE_INFINITY;
        for (int r = 0; r < texts.length; r++) {
            int base = r * dimension;
            double dot = 0;
            for (int d = 0; d < dimension; d++) {
                dot += q[d] * unitVectors[base + d];
            }
            if (dot > bestSimilarity) {
                bestSimilarity = dot;
                best = r;
            }
        }
        return best < 0 ? null : new Match(texts[best], bestSimilarity);
    }

    /** The number of known attacks. */
    public int size() {
        return texts.length;
    }

    /** Opens the dataset at {@code dir}, writing it from {@code texts} and {@code vectors} first if it does not exist. */
    public static AttackVectorStore openOrCreate(Path dir, List<String> texts, List<float[]> vectors, int dimension) {
        String uri = dir.toAbsolutePath().toString();
        BufferAllocator allocator = new RootAllocator();
        if (!Files.isDirectory(dir.resolve("_versions"))) {
            write(uri, allocator, texts, vectors, dimension);
        }
        return new AttackVectorStore(allocator, Dataset.open(uri, allocator), dimension);
    }

    private static void write(String uri, BufferAllocator allocator, List<String> texts, List<float[]> vectors,
                              int dimension) {
        Schema schema = new Schema(List.of(
                Field.notNullable("text", new ArrowType.Utf8()),
                new Field("vec", FieldType.notNullable(new ArrowType.FixedSizeList(dimension)),
                        List.of(Field.notNullable("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE))))));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            VarCharVector text = (VarCharVector) root.getVector("text");
            FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
            Float4Vector items = (Float4Vector) vec.getDataVector();
            for (int i = 0; i < texts.size(); i++) {
                text.setSafe(i, texts.get(i).getBytes(StandardCharsets.UTF_8));
                vec.setNotNull(i);
                for (int d = 0; d < dimension; d++) {
                    items.setSafe(i * dimension + d, vectors.get(i)[d]);
                }
            }
            root.setRowCount(texts.size());
            var bytes = new ByteArrayOutputStream();
            try (var writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            try (ArrowReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes.toByteArray()), allocator)) {
                Dataset.write().allocator(allocator).reader(reader).uri(uri)
                        .mode(WriteParams.WriteMode.CREATE).execute().close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + uri, e);
        }
    }

    /** The known attack nearest to {@code vector} as Lance's own cosine search finds it. Serialised. */
    public synchronized Match nearestInDataset(float[] vector) {
        var options = new ScanOptions.Builder().nearest(new Query.Builder().setColumn("vec").setKey(vector).setK(1)
                .setDistanceType(DistanceType.Cosine).build()).build();
        List<Match> matches = new ArrayList<>(1);
        try (LanceScanner scanner = dataset.newScan(options); ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                VarCharVector text = (VarCharVector) root.getVector("text");
                var distance = root.getVector("_distance");
                for (int i = 0; i < root.getRowCount(); i++) {
                    double d = ((Number) distance.getObject(i)).doubleValue();
                    matches.add(new Match(new String(text.get(i), StandardCharsets.UTF_8), 1 - d));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot search the attack vectors: " + e.getMessage(), e);
        }
        return matches.isEmpty() ? null : matches.get(0);
    }

    /** The vectors' dimension. */
    public int dimension() {
        return dimension;
    }

    @Override
    public synchronized void close() {
        dataset.close();
        allocator.close();
    }
}
