package io.patinox.detection.model;

import java.util.Arrays;

/**
 * Counts per bucket, in an open-addressing table of primitive ints: the scorer counts thousands of features per
 * text, and boxing them would cost more than the arithmetic. Not thread-safe: one per call.
 */
public final class Counts {

    /** What {@link #forEach} hands each counted bucket to. */
    @FunctionalInterface
    public interface Entry {
        void accept(int bucket, int count);
    }

    private int[] keys;
    private int[] values;
    /** The slots in use, so that clearing costs what was counted, not the table's size. */
    private int[] used;
    private int size;

    /** A table sized for about {@code expected} buckets (it grows). */
    public Counts(int expected) {
        int capacity = Integer.highestOneBit(Math.max(16, expected * 2) - 1) << 1;
        keys = new int[capacity];
        values = new int[capacity];
        used = new int[capacity / 2 + 1];
        Arrays.fill(keys, -1);
    }

    /** Counts {@code bucket} once more ({@code bucket} ≥ 0). */
    public void add(int bucket) {
        int slot = find(bucket);
        if (keys[slot] == bucket) {
            values[slot]++;
            return;
        }
        keys[slot] = bucket;
        values[slot] = 1;
        used[size++] = slot;
        if (size * 2 > keys.length) {
            grow();
        }
    }

    /** Counts {@code bucket} once less; a bucket that reaches 0 is no longer counted. */
    public void remove(int bucket) {
        int slot = find(bucket);
        if (keys[slot] == bucket && values[slot] > 0) {
            values[slot]--;
        }
    }

    /** Forgets every count, keeping the table's size. */
    public void clear() {
        for (int i = 0; i < size; i++) {
            keys[used[i]] = -1;
        }
        size = 0;
    }

    /** The number of buckets counted (some possibly at 0 after {@link #remove}). */
    public int size() {
        return size;
    }

    /** Hands every bucket with a count above 0 to {@code entry}, in table order. */
    public void forEach(Entry entry) {
        for (int i = 0; i < size; i++) {
            int slot = used[i];
            if (values[slot] > 0) {
                entry.accept(keys[slot], values[slot]);
            }
        }
    }

    private int find(int bucket) {
        int mask = keys.length - 1;
        int slot = TfIdfFeatures.mix(bucket) & mask;
        while (keys[slot] != -1 && keys[slot] != bucket) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        int[] oldKeys = keys;
        int[] oldValues = values;
        int[] oldUsed = used;
        int n = size;
        keys = new int[oldKeys.length * 2];
        values = new int[oldKeys.length * 2];
        used = new int[oldKeys.length + 1];
        Arrays.fill(keys, -1);
        size = 0;
        for (int i = 0; i < n; i++) {
            int slot = find(oldKeys[oldUsed[i]]);
            keys[slot] = oldKeys[oldUsed[i]];
            values[slot] = oldValues[oldUsed[i]];
            used[size++] = slot;
        }
    }
}
