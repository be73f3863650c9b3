package io.patinox.vectors;

import java.util.Objects;

/**
 * A condition on the rows a search considers: a text column equals a value. Applied before the nearest rows are
 * chosen, so a search returns the {@code k} nearest rows that satisfy it.
 *
 * @param column a text column of the dataset
 * @param value the value it must equal
 */
public record Where(String column, String value) {

    public Where {
        Objects.requireNonNull(column, "column");
        Objects.requireNonNull(value, "value");
    }

    /** Rows whose text column {@code column} equals {@code value}. */
    public static Where equal(String column, String value) {
        return new Where(column, value);
    }

    /** Lance's SQL filter, the value quoted as a string literal. */
    String sql() {
        return column + " = '" + value.replace("'", "''") + "'";
    }
}
