package io.patinox.executor.memory;

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
 * Agents' long-term memory as a Lance dataset (a directory): rows of (id, agent, text, vector), appended as
 * the executor learns, searched by cosine distance. Lance through its Java bindings (JNI); Arrow needs
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED}. Calls are serialised.
 */
public final class MemoryStore implements AutoCloseable {

    /** One remembered text. */
    public record Row(String id, String agent, String text, float[] vector) {
    }

    private static final List<String> TEXT_COLUMNS = List.of("id", "agent", "text");

    private final String uri;
    private final int dimension;
    private final BufferAllocator allocator = new RootAllocator();
    private final Schema schema;

    public MemoryStore(Path dataset, int dimension) {
        this.uri = dataset.toAbsolutePath().toString();
        this.dimension = dimension;
        List<Field> fields = new ArrayList<>();
        for (String column : TEXT_COLUMNS) {
            fields.add(Field.notNullable(column, new ArrowType.Utf8()));
        }
        fields.add(new Field("vec", FieldType.notNullable(new ArrowType.FixedSizeList(dimension)),
                List.of(Field.notNullable("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)))));
        this.schema = new Schema(fields);
        try {
            Files.createDirectories(dataset.toAbsolutePath().getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + uri, e);
        }
    }

    private boolean exists() {
        return Files.isDirectory(Path.of(uri, "_versions"));
    }

    /** Appends rows as one new version of the dataset. */
    public synchronized void append(List<Row> rows) {
        if (rows.isEmpty()) {
            return;
        }
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
            root.allocateNew();
            FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
            Float4Vector items = (Float4Vector) vec.getDataVector();
            for (int i = 0; i < rows.size(); i++) {
                Row row = rows.get(i);
                String[] texts = {row.id(), row.agent(), row.text()};
                for (int c = 0; c < texts.length; c++) {
                    ((VarCharVector) root.getVector(TEXT_COLUMNS.get(c))).setSafe(i, texts[c].getBytes(StandardCharsets.UTF_8));
                }
                vec.setNotNull(i);
                for (int d = 0; d < dimension; d++) {
                    items.setSafe(i * dimension + d, row.vector()[d]);
                }
            }
            root.setRowCount(rows.size());
            var bytes = new ByteArrayOutputStream();
            try (var writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
                writer.start();
                writer.writeBatch();
                writer.end();
            }
            try (ArrowReader reader = new ArrowStreamReader(new ByteArrayInputStream(bytes.toByteArray()), allocator)) {
                Dataset.write().allocator(allocator).reader(reader).uri(uri)
                        .mode(exists() ? WriteParams.WriteMode.APPEND : WriteParams.WriteMode.CREATE)
                        .execute().close();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + uri, e);
        }
    }

    /** Every stored row, in the order written. */
    public synchronized List<Row> all() {
        return exists() ? scan(new ScanOptions.Builder().batchSize(1024).build()) : List.of();
    }

    /** The {@code k} stored rows nearest (cosine) to a vector, nearest first. */
    public synchronized List<Row> nearest(float[] vector, int k) {
        if (!exists()) {
            return List.of();
        }
        return scan(new ScanOptions.Builder().nearest(new Query.Builder().setColumn("vec").setKey(vector).setK(k)
                .setDistanceType(DistanceType.Cosine).build()).build());
    }

    private List<Row> scan(ScanOptions options) {
        List<Row> rows = new ArrayList<>();
        try (Dataset dataset = Dataset.open(uri, allocator);
             LanceScanner scanner = dataset.newScan(options);
             ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                FixedSizeListVector vec = (FixedSizeListVector) root.getVector("vec");
                Float4Vector items = (Float4Vector) vec.getDataVector();
                for (int i = 0; i < root.getRowCount(); i++) {
                    float[] v = new float[dimension];
                    for (int d = 0; d < dimension; d++) {
                        v[d] = items.get(i * dimension + d);
                    }
                    rows.add(new Row(text(root, "id", i), text(root, "agent", i), text(root, "text", i), v));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + uri + ": " + e.getMessage(), e);
        }
        return rows;
    }

    private static String text(VectorSchemaRoot root, String column, int row) {
        return new String(((VarCharVector) root.getVector(column)).get(row), StandardCharsets.UTF_8);
    }

    @Override
    public synchronized void close() {
        allocator.close();
    }
}
