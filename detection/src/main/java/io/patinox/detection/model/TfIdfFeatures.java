package io.patinox.detection.model;

import io.patinox.detection.text.TextNormalizer;
import java.util.Locale;

/**
 * The hashed features of the injection model, shared by training and scoring so that both see exactly the same
 * numbers. A text is {@linkplain #prepare prepared} (normalised by {@link TextNormalizer}, lower-cased) and cut into
 * {@linkplain Units units}: its whitespace-separated words, a word longer than {@code chunkChars} (a run of Chinese or
 * Japanese, say) cut into pieces of that length. Each unit carries its features, in two blocks of {@code 2^bits}
 * buckets:
 * <ul>
 * <li>character block: the character n-grams ({@code minN}..{@code maxN}) of each word padded with a space on
 * either side ({@code " word "}), a word shorter than an n counted once whole;</li>
 * <li>word block: the word tokens (runs of letters, digits and {@code _}, and every other non-space character on
 * its own) and the bigram of each token with the one before it.</li>
 * </ul>
 * A feature's bucket is a MurmurHash3-style hash of its characters with a seed per kind. The model reads a run of
 * units as tf-idf: {@code (1 + ln count) * idf} per bucket, each block scaled to unit length.
 *
 * @param bits log2 of the buckets per block
 * @param minN shortest character n-gram
 * @param maxN longest character n-gram
 * @param chunkChars the longest unit: longer words are cut into pieces of this many characters
 */
public record TfIdfFeatures(int bits, int minN, int maxN, int chunkChars) {

    private static final int SEED_CHARS = 0x5bd1e995;
    private static final int SEED_WORD = 0x2c1b3c6d;
    private static final int SEED_BIGRAM = 0x297a2d39;

    public TfIdfFeatures {
        if (bits < 10 || bits > 22) {
            throw new IllegalArgumentException("bits must be in [10, 22]: " + bits);
        }
        if (minN < 1 || maxN < minN || maxN > 8) {
            throw new IllegalArgumentException("char n-grams must satisfy 1 <= minN <= maxN <= 8: " + minN + ".." + maxN);
        }
        if (chunkChars < 4) {
            throw new IllegalArgumentException("chunkChars must be at least 4: " + chunkChars);
        }
    }

    /** The configuration of the shipped model. */
    public static TfIdfFeatures standard() {
        return new TfIdfFeatures(20, 2, 5, 16);
    }

    /** Buckets per block; the word block starts here. */
    public int blockSize() {
        return 1 << bits;
    }

    /** Buckets of both blocks. */
    public int dimension() {
        return 2 << bits;
    }

    /** The text as features see it: {@link TextNormalizer#normalize(String)}, then lower case. */
    public static String prepare(String raw) {
        return TextNormalizer.normalize(raw).toLowerCase(Locale.ROOT);
    }

    /**
     * A prepared text cut into units. {@code features[u]} are the buckets of unit {@code u} (a bucket once per
     * occurrence); {@code link[u]} is the bigram bucket joining unit {@code u}'s first token to the last token of an
     * earlier unit, or -1: a window that starts at {@code u} leaves it out.
     */
    public record Units(int[][] features, int[] link) {
        public int size() {
            return features.length;
        }
    }

    /** Cuts a prepared text into units with their features. */
    public Units units(String text) {
        IntListList units = new IntListList();
        IntList links = new IntList();
        int n = text.length();
        int i = 0;
        int previousToken = 0;
        int previousUnit = -1;
        while (i < n) {
            while (i < n && Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i >= n) {
                break;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            int end = i;
            int firstUnit = units.size();
            int pieces = (end - start + chunkChars - 1) / chunkChars;
            for (int p = 0; p < pieces; p++) {
                units.add();
                links.add(-1);
            }
            charGrams(text, start, end, firstUnit, units);
            // Word tokens of this word: runs of letters/digits/_ , else one character each.
            int t = start;
            while (t < end) {
                int tokenStart = t;
                if (isWordChar(text.charAt(t))) {
                    while (t < end && isWordChar(text.charAt(t))) {
                        t++;
                    }
                } else {
                    t++;
                }
                int unit = firstUnit + (tokenStart - start) / chunkChars;
                int h = hash(text, tokenStart, t, SEED_WORD);
                units.get(unit).add(blockSize() + bucket(h));
                if (previousUnit >= 0) {
                    int bigram = blockSize() + bucket(mix(previousToken * 0x9e3779b1 ^ h ^ SEED_BIGRAM));
                    if (previousUnit < unit) {
                        links.set(unit, bigram); // the one bigram that reaches back into an earlier unit
                    }
                    units.get(unit).add(bigram);
                }
                previousToken = h;
                previousUnit = unit;
            }
        }
        int[][] features = new int[units.size()][];
        for (int u = 0; u < features.length; u++) {
            features[u] = units.get(u).toArray();
        }
        return new Units(features, links.toArray());
    }

    private void charGrams(String text, int start, int end, int firstUnit, IntListList units) {
        int len = end - start + 2; // with the padding spaces
        for (int size = minN; size <= maxN; size++) {
            int offset = 0;
            do {
                int to = Math.min(offset + size, len);
                int h = paddedHash(text, start, end, offset, to);
                // The unit that holds the n-gram's first character of the word (the padding belongs to the ends).
                int at = Math.min(Math.max(offset - 1, 0), end - start - 1);
                units.get(firstUnit + at / chunkChars).add(bucket(h));
                offset++;
            } while (offset + size <= len);
            if (len < size) {
                break; // a short word counts once whole
            }
        }
    }

    /** Hash of characters [from, to) of {@code " " + text[start, end) + " "}. */
    private static int paddedHash(String text, int start, int end, int from, int to) {
        int h = SEED_CHARS;
        for (int k = from; k < to; k++) {
            char c = k == 0 || k == end - start + 1 ? ' ' : text.charAt(start + k - 1);
            h = (h ^ c) * 0x01000193;
        }
        return mix(h ^ (to - from));
    }

    private static int hash(String text, int from, int to, int seed) {
        int h = seed;
        for (int k = from; k < to; k++) {
            h = (h ^ text.charAt(k)) * 0x01000193;
        }
        return mix(h ^ (to - from));
    }

    private int bucket(int h) {
        return h & (blockSize() - 1);
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }

    /** MurmurHash3's finaliser (also used by the corpus' near-duplicate shingles). */
    public static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[16];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = java.util.Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int get(int i) {
            return a[i];
        }

        void set(int i, int v) {
            a[i] = v;
        }

        int size() {
            return n;
        }

        int[] toArray() {
            return java.util.Arrays.copyOf(a, n);
        }
    }

    private static final class IntListList {
        private final java.util.ArrayList<IntList> lists = new java.util.ArrayList<>();

        void add() {
            lists.add(new IntList());
        }

        IntList get(int i) {
            return lists.get(i);
        }

        int size() {
            return lists.size();
        }
    }
}
