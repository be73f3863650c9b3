package io.patinox.vectors;

import java.util.List;

/**
 * Turns texts into unit vectors of a fixed dimension, so that a dot product is their cosine similarity.
 * Implementations are thread-safe.
 */
public interface Embedder {

    /** The number of dimensions of every vector. */
    int dimension();

    /** The unit vector of {@code text}. */
    float[] embed(String text);

    /** The unit vectors of several texts, in order; an implementation may batch them. */
    default List<float[]> embedAll(List<String> texts) {
        return texts.stream().map(this::embed).toList();
    }
}
