package io.patinox.vectors;

import java.util.Map;

/**
 * One row as read from a dataset, before {@link VectorSchema#reader()} makes it a record again.
 *
 * @param values the scalar columns by name: {@code String} for text, {@code Long} for 64-bit integers
 * @param vector the row's vector
 */
public record Stored(Map<String, Object> values, float[] vector) {

    public Stored {
        values = Map.copyOf(values);
    }

    /** The value of a text column. */
    public String text(String column) {
        return value(column, String.class);
    }

    /** The value of a 64-bit integer column. */
    public long int64(String column) {
        return value(column, Long.class);
    }

    private <T> T value(String column, Class<T> type) {
        Object v = values.get(column);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("no " + type.getSimpleName() + " column '" + column + "' (columns: "
                    + values.keySet() + ")");
        }
        return type.cast(v);
    }
}
