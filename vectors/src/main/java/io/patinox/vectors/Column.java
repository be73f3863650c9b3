package io.patinox.vectors;

import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import java.util.regex.Pattern;

/**
 * A scalar column of a vector dataset and how its value is read from the record type {@code R} a service stores.
 *
 * @param name a lower-case identifier (it appears in filters); not one of the names the store uses itself
 * @param type what the column holds
 * @param value reads the column's value from a record: a {@code String} for {@link Type#TEXT}, a {@code Long} for
 *        {@link Type#INT64}; never null
 */
public record Column<R>(String name, Type type, Function<R, ?> value) {

    /** What a column holds. */
    public enum Type {
        /** UTF-8 text, not null. */
        TEXT,
        /** A signed 64-bit integer, not null. */
        INT64
    }

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
    /** The vector column, and the columns Lance adds to search results. */
    static final Set<String> RESERVED = Set.of(VectorStore.VECTOR, "_distance", "_rowid", "_rowaddr");

    public Column {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (!NAME.matcher(name).matches() || RESERVED.contains(name)) {
            throw new IllegalArgumentException("column name '" + name + "' must match " + NAME
                    + " and not be one of " + RESERVED);
        }
    }

    /** A text column. */
    public static <R> Column<R> text(String name, Function<R, String> value) {
        return new Column<>(name, Type.TEXT, value);
    }

    /** A 64-bit integer column. */
    public static <R> Column<R> int64(String name, ToLongFunction<R> value) {
        return new Column<>(name, Type.INT64, (Function<R, Long>) r -> value.applyAsLong(r));
    }
}
