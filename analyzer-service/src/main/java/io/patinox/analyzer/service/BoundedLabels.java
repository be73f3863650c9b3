package io.patinox.analyzer.service;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a metric label's cardinality bounded: the first {@code max} distinct values pass, later ones become
 * {@code other}. Agents and config versions come from the data, so without a bound a bad producer could create
 * any number of series.
 */
public final class BoundedLabels {

    /** The value that stands for every value past the bound. */
    public static final String OTHER = "other";

    private final int max;
    private final Set<String> seen = ConcurrentHashMap.newKeySet();

    /** Admits at most {@code max} distinct values. */
    public BoundedLabels(int max) {
        this.max = max;
    }

    /** The value itself while there is room (or it was seen before), else {@link #OTHER}. */
    public String bound(String value) {
        if (value == null) {
            return "none";
        }
        if (seen.contains(value)) {
            return value;
        }
        synchronized (seen) {
            if (seen.size() < max) {
                seen.add(value);
                return value;
            }
        }
        return OTHER;
    }
}
