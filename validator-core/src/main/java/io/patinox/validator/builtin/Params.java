package io.patinox.validator.builtin;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Typed, strict access to a validator's {@code params} as read from a policy file. Every error names the
 * parameter by its path (e.g. {@code params.deny[2].pattern}) so an operator can find it in the YAML.
 */
public final class Params {

    private final Map<String, Object> values;
    private final String path;

    private Params(Map<String, Object> values, String path) {
        this.values = values == null ? Map.of() : values;
        this.path = path;
    }

    /** The top-level {@code params} of a validator entry. */
    public static Params of(Map<String, Object> values) {
        return new Params(values, "params");
    }

    /** Refuses any key not in {@code known}: a misspelt parameter must not silently fall back to a default. */
    public Params allowOnly(String... known) {
        Set<String> allowed = Set.of(known);
        for (String key : values.keySet()) {
            if (!allowed.contains(key)) {
                throw new IllegalArgumentException(path + "." + key + ": unknown parameter (known: "
                        + String.join(", ", known) + ")");
            }
        }
        return this;
    }

    /** The keys of this mapping, in file order. */
    public java.util.Set<String> keys() {
        return values.keySet();
    }

    /** This mapping as read. */
    public Map<String, Object> asMap() {
        return values;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String string(String key, String fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        throw wrong(key, "a string", v);
    }

    public String requiredString(String key) {
        String s = string(key, null);
        if (s == null || s.isBlank()) {
            throw new IllegalArgumentException(path + "." + key + ": required");
        }
        return s;
    }

    public double number(String key, double fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        throw wrong(key, "a number", v);
    }

    /** The {@code threshold} of a detector: a score in (0, 1]. */
    public double threshold(double fallback) {
        double threshold = number("threshold", fallback);
        if (threshold <= 0 || threshold > 1) {
            throw error("threshold", "must be in (0, 1]");
        }
        return threshold;
    }

    /** The {@code maxChars} of a detector: how much of one text it reads, at least 100 characters. */
    public int maxChars(int fallback) {
        int maxChars = integer("maxChars", fallback);
        if (maxChars < 100) {
            throw error("maxChars", "must be at least 100");
        }
        return maxChars;
    }

    public int integer(String key, int fallback) {
        Object v = values.get(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Integer || v instanceof Long) {
            long l = ((Number) v).longValue();
            if (l >= Integer.MIN_VALUE && l <= Integer.MAX_VALUE) {
                return (int) l;
            }
        }
        throw wrong(key, "an integer", v);
    }

    public List<String> strings(String key) {
        return list(key, "a list of strings", "a string", (item, at) -> item instanceof String s ? s : null);
    }

    /** A list of maps, each as nested {@link Params} whose errors carry their index. */
    @SuppressWarnings("unchecked")
    public List<Params> objects(String key) {
        return list(key, "a list", "a mapping",
                (item, at) -> item instanceof Map<?, ?> m ? new Params((Map<String, Object>) m, path + "." + at) : null);
    }

    /**
     * The list under {@code key}, empty when there is none; {@code read} turns an item and its place
     * ({@code key[i]}) into an element, or answers null for an item that is not {@code anItem}.
     */
    private <T> List<T> list(String key, String aList, String anItem, BiFunction<Object, String, T> read) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List<?> list)) {
            throw wrong(key, aList, v);
        }
        List<T> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String at = key + "[" + i + "]";
            T element = read.apply(list.get(i), at);
            if (element == null) {
                throw wrong(at, anItem, list.get(i));
            }
            out.add(element);
        }
        return out;
    }

    /** A nested mapping. */
    @SuppressWarnings("unchecked")
    public Params object(String key) {
        Object v = values.get(key);
        if (v == null) {
            return new Params(Map.of(), path + "." + key);
        }
        if (!(v instanceof Map<?, ?> m)) {
            throw wrong(key, "a mapping", v);
        }
        return new Params((Map<String, Object>) m, path + "." + key);
    }

    /** A case-insensitive regular expression. */
    public Pattern pattern(String key) {
        String regex = requiredString(key);
        try {
            return Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(path + "." + key + ": not a valid regular expression: "
                    + e.getDescription());
        }
    }

    /** An error about {@code key} of this mapping. */
    public IllegalArgumentException error(String key, String message) {
        return new IllegalArgumentException(path + "." + key + ": " + message);
    }

    private IllegalArgumentException wrong(String key, String expected, Object actual) {
        return new IllegalArgumentException(path + "." + key + ": expected " + expected + " but was "
                + (actual == null ? "null" : actual.getClass().getSimpleName() + " '" + actual + "'"));
    }
}
