package io.patinox.vectors;

/**
 * A row found by a nearest-neighbour search.
 *
 * @param row the stored record
 * @param similarity its cosine similarity to the query (1 = same direction)
 */
public record Match<R>(R row, double similarity) {
}
