package io.patinox.analyzer.service;

import java.time.Duration;
import java.time.Instant;

/**
 * The state-store key of one tumbling window of one subject (scoped group key, see {@link Scope}):
 * {@code <size>|<start epoch ms>|<group key>}. The group key goes last because it may itself contain {@code |}.
 */
public record WindowKey(Duration size, long startMillis, String groupKey) {

    /** The store key. */
    public String encode() {
        return encode(size.toString(), startMillis, groupKey);
    }

    /** The store key of a window whose size is already spelled ({@code PT1M}); spares a Duration per event. */
    public static String encode(String size, long startMillis, String groupKey) {
        return size + "|" + startMillis + "|" + groupKey;
    }

    /** Reads a store key written by {@link #encode()}. */
    public static WindowKey decode(String key) {
        int first = key.indexOf('|');
        int second = key.indexOf('|', first + 1);
        return new WindowKey(Duration.parse(key.substring(0, first)),
                Long.parseLong(key.substring(first + 1, second)), key.substring(second + 1));
    }

    /** The window's start. */
    public Instant start() {
        return Instant.ofEpochMilli(startMillis);
    }

    /** The window's end (exclusive). */
    public Instant end() {
        return Instant.ofEpochMilli(startMillis + size.toMillis());
    }

    /** The end in epoch milliseconds. */
    public long endMillis() {
        return startMillis + size.toMillis();
    }
}
