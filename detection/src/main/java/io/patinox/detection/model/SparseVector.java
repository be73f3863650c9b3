package io.patinox.detection.model;

import java.util.Arrays;

/**
 * A sparse vector: ascending indices and their values.
 *
 * @param index the non-zero positions
 * @param value their values
 */
public record SparseVector(int[] index, double[] value) {

    public SparseVector {
        if (index.length != value.length) {
            throw new IllegalArgumentException("index and value differ in length");
        }
    }

    /** The same vector with its indices in ascending order. */
    public SparseVector sorted() {
        Integer[] order = new Integer[index.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> Integer.compare(index[a], index[b]));
        int[] i2 = new int[index.length];
        double[] v2 = new double[index.length];
        for (int k = 0; k < order.length; k++) {
            i2[k] = index[order[k]];
            v2[k] = value[order[k]];
        }
        return new SparseVector(i2, v2);
    }

    /** The vector with the part below {@code block} and the part from {@code block} on each scaled to unit length. */
    public SparseVector normalisedPerBlock(int block) {
        double[] norm = new double[2];
        for (int k = 0; k < index.length; k++) {
            norm[index[k] < block ? 0 : 1] += value[k] * value[k];
        }
        double[] v2 = value.clone();
        for (int k = 0; k < index.length; k++) {
            double n = norm[index[k] < block ? 0 : 1];
            v2[k] = n > 0 ? value[k] / Math.sqrt(n) : 0;
        }
        return new SparseVector(index, v2);
    }

    /** The number of non-zeros. */
    public int size() {
        return index.length;
    }
}
