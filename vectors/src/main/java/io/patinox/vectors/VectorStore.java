package io.patinox.vectors;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
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
 * Records of type {@code R} with their vectors in a Lance dataset (a directory): appended in batches (each a new
 * version of the dataset), scanned in the order written, searched by cosine distance. The dataset is created by
 * the first append. Lance is reached through JNI and hands data over as Arrow buffers, so the JVM needs
 * {@code --add-opens=java.base/java.nio=ALL-UNNAMED} (docs/adr/0003-add-opens-for-arrow.md). Calls are serialised;
 * each read opens the dataset's latest version.
 */
public final class VectorStore<R> implements AutoCloseable {

    /** The vector column's name. */
    static final String VECTOR = "vec";

    private final String uri;
    private final Path directory;
    private final VectorSchema<R> schema;
    private final Schema arrowSchema;
    private final BufferAllocator allocator = new RootAllocator();

    /**
     * A store over the dataset at {@code dataset}, which need not exist yet (its parent directory is created).
     *
     * @throws UncheckedIOException when the parent directory cannot be created
     */
    public VectorStore(Path dataset, VectorSchema<R> schema) {
        this.directory = dataset.toAbsolutePath();
        this.uri = directory.toString();
        this.schema = schema;
        this.arrowSchema = arrowSchema(schema);
        try {
            Files.createDirectories(directory.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the directory of " + uri, e);
        }
    }

    private static Schema arrowSchema(VectorSchema<?> schema) {
        List<Field> fields = new ArrayList<>();
        for (Column<?> column : schema.columns()) {
            fields.add(Field.notNullable(column.name(), switch (column.type()) {
                case TEXT -> new ArrowType.Utf8();
                case INT64 -> new ArrowType.Int(64, true);
            }));
        }
        fields.add(new Field(VECTOR, FieldType.notNullable(new ArrowType.FixedSizeList(schema.dimension())),
                List.of(Field.notNullable("item", new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)))));
        return new Schema(fields);
    }

    /** Whether the dataset has been written (by this store or an earlier one). */
    public synchronized boolean exists() {
        return Files.isDirectory(directory.resolve("_versions"));
    }

    /** Appends {@code rows} as one new version of the dataset; nothing when empty. */
    public synchronized void append(List<R> rows) {
        if (rows.isEmpty()) {
            return;
        }
        int dimension = schema.dimension();
        try (VectorSchemaRoot root = VectorSchemaRoot.create(arrowSchema, allocator)) {
            root.allocateNew();
            FixedSizeListVector vec = (FixedSizeListVector) root.getVector(VECTOR);
            Float4Vector items = (Float4Vector) vec.getDataVector();
            for (int i = 0; i < rows.size(); i++) {
                R row = rows.get(i);
                for (Column<R> column : schema.columns()) {
                    Object value = column.value().apply(row);
                    FieldVector target = root.getVector(column.name());
                    switch (column.type()) {
                        case TEXT -> ((VarCharVector) target).setSafe(i, ((String) value).getBytes(StandardCharsets.UTF_8));
                        case INT64 -> ((BigIntVector) target).setSafe(i, (Long) value);
                    }
                }
                float[] vector = checked(schema.vector().apply(row));
                vec.setNotNull(i);
                for (int d = 0; d < dimension; d++) {
                    items.setSafe(i * dimension + d, vector[d]);
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

    /** Every stored record, in the order written; none before the first append. */
    public synchronized List<R> all() {
        if (!exists()) {
            return List.of();
        }
        return scan(new ScanOptions.Builder().batchSize(1024).build()).stream().map(Match::row).toList();
    }

    /** The {@code k} stored records nearest (cosine) to {@code vector}, nearest first. */
    public synchronized List<Match<R>> nearest(float[] vector, int k) {
        return nearest(vector, k, null);
    }

    /** The {@code k} stored records satisfying {@code where} nearest (cosine) to {@code vector}, nearest first. */
    public synchronized List<Match<R>> nearest(float[] vector, int k, Where where) {
        if (k <= 0) {
            throw new IllegalArgumentException("k must be > 0 but was " + k);
        }
        checked(vector);
        if (where != null && schema.column(where.column()).type() != Column.Type.TEXT) {
            throw new IllegalArgumentException("column '" + where.column() + "' is not a text column");
        }
        if (!exists()) {
            return List.of();
        }
        var options = new ScanOptions.Builder().nearest(new Query.Builder().setColumn(VECTOR).setKey(vector).setK(k)
                .setDistanceType(DistanceType.Cosine).build());
        if (where != null) {
            options.filter(where.sql()).prefilter(true);
        }
        return scan(options.build());
    }

    private float[] checked(float[] vector) {
        if (vector.length != schema.dimension()) {
            throw new IllegalArgumentException("vector of " + vector.length + " dimensions, expected "
                    + schema.dimension());
        }
        return vector;
    }

    /** The rows a scan yields; the similarity is 1 - Lance's cosine distance on searches, NaN on plain scans. */
    private List<Match<R>> scan(ScanOptions options) {
        int dimension = schema.dimension();
        List<Match<R>> rows = new ArrayList<>();
        try (Dataset dataset = Dataset.open(uri, allocator);
                LanceScanner scanner = dataset.newScan(options);
                ArrowReader reader = scanner.scanBatches()) {
            while (reader.loadNextBatch()) {
                VectorSchemaRoot root = reader.getVectorSchemaRoot();
                FixedSizeListVector vec = (FixedSizeListVector) root.getVector(VECTOR);
                Float4Vector items = (Float4Vector) vec.getDataVector();
                FieldVector distance = root.getVector("_distance");
                for (int i = 0; i < root.getRowCount(); i++) {
                    Map<String, Object> values = new HashMap<>();
                    for (Column<R> column : schema.columns()) {
                        FieldVector source = root.getVector(column.name());
                        values.put(column.name(), switch (column.type()) {
                            case TEXT -> new String(((VarCharVector) source).get(i), StandardCharsets.UTF_8);
                            case INT64 -> ((BigIntVector) source).get(i);
                        });
                    }
                    float[] v = new float[dimension];
                    int offset = vec.getElementStartIndex(i);
                    for (int d = 0; d < dimension; d++) {
                        v[d] = items.get(offset + d);
                    }
                    double similarity = distance == null ? Double.NaN
                            : 1 - ((Number) distance.getObject(i)).doubleValue();
                    rows.add(new Match<>(schema.reader().apply(new Stored(values, v)), similarity));
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot read " + uri + ": " + e.getMessage(), e);
        }
        return rows;
    }

    @Override
    public synchronized void close() {
        allocator.close();
    }
}
