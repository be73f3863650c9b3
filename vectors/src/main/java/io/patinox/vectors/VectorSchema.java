package io.patinox.vectors;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;

/**
 * The typed layout of a vector dataset for records of type {@code R}: its scalar columns, its vector column and
 * how a stored row becomes an {@code R} again. A service declares one as a constant next to its record, e.g.
 *
 * <pre>{@code
 * record Memory(String id, String agent, String text, float[] vector) {
 *     static final VectorSchema<Memory> SCHEMA = new VectorSchema<>(MiniLmEmbedder.DIMENSION,
 *             List.of(Column.text("id", Memory::id), Column.text("agent", Memory::agent), Column.text("text", Memory::text)),
 *             Memory::vector,
 *             row -> new Memory(row.text("id"), row.text("agent"), row.text("text"), row.vector()));
 * }
 * }</pre>
 *
 * @param dimension the vectors' length
 * @param columns the scalar columns, in the dataset's order; names unique
 * @param vector reads a record's vector
 * @param reader makes a record of a stored row
 */
public record VectorSchema<R>(int dimension, List<Column<R>> columns, Function<R, float[]> vector,
        Function<Stored, R> reader) {

    public VectorSchema {
        if (dimension <= 0) {
            throw new IllegalArgumentException("dimension must be > 0 but was " + dimension);
        }
        columns = List.copyOf(columns);
        Objects.requireNonNull(vector, "vector");
        Objects.requireNonNull(reader, "reader");
        var names = new HashSet<String>();
        for (Column<R> column : columns) {
            if (!names.add(column.name())) {
                throw new IllegalArgumentException("column '" + column.name() + "' is declared twice");
            }
        }
    }

    /** The column named {@code name}. */
    Column<R> column(String name) {
        return columns.stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no column '" + name + "'"));
    }
}
