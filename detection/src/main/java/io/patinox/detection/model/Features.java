package io.patinox.detection.model;

import io.patinox.detection.text.TextNormalizer;
import java.util.Locale;
import java.util.function.IntConsumer;

/**
 * The hashed features of the injection model, shared by training and scoring so that both see exactly the same
 * numbers. A text is {@linkplain #prepare prepared} (normalised by {@link TextNormalizer}, lower-cased) and
 * {@linkplain Tokens tokenised}; every token position then carries
 * <ul>
 *   <li>its word (unigram),</li>
 *   <li>the pair of the previous token and itself (bigram; a window leaves out the bigram that reaches
 *       outside it),</li>
 *   <li>the character n-grams ({@code minN}..{@code maxN}) of the word with boundary marks, {@code <word>},
 *       for words of two or more characters (the first {@code maxTokenChars} characters of a longer one).</li>
 * </ul>
 * Each feature is hashed (FNV-1a over the characters, a seed per kind, then a MurmurHash3 finaliser) into one
 * of {@code 2^bits} buckets. Features are counts, so the score of any run of tokens is the sum of its
 * positions' weights: a window's score comes from prefix sums in linear time.
 *
 * @param bits          log2 of the number of buckets
 * @param minN          shortest character n-gram
 * @param maxN          longest character n-gram
 * @param maxTokenChars characters of a word that char n-grams are taken from
 */
public record Features(int bits, int minN, int maxN, int maxTokenChars) {

    private static final int SEED_WORD = 0x2c1b3c6d;
    private static final int SEED_BIGRAM = 0x297a2d39;
    private static final int SEED_CHARS = 0x5bd1e995;
    private static final int FNV_PRIME = 0x01000193;

    public Features {
        if (bits < 10 || bits > 24) {
            throw new IllegalArgumentException("bits must be in [10, 24]: " + bits);
        }
        if (minN < 2 || maxN < minN || maxN > 8) {
            throw new IllegalArgumentException("char n-grams must satisfy 2 <= minN <= maxN <= 8: " + minN + ".." + maxN);
        }
        if (maxTokenChars < maxN) {
            throw new IllegalArgumentException("maxTokenChars must be at least maxN: " + maxTokenChars);
        }
    }

    /** The configuration the shipped model uses. */
    public static Features standard() {
        return new Features(19, 3, 5, 40);
    }

    /** The number of buckets. */
    public int dimension() {
        return 1 << bits;
    }

    /** The text as features see it: {@link TextNormalizer#normalize(String)}, then lower case. */
    public static String prepare(String raw) {
        return TextNormalizer.normalize(raw).toLowerCase(Locale.ROOT);
    }

    /** Sends the buckets of position {@code i}'s unigram and char n-grams (not its bigram) to {@code sink}. */
    public void positionFeatures(Tokens t, int i, IntConsumer sink) {
        String s = t.text;
        int from = t.start[i];
        int to = t.end[i];
        sink.accept(bucket(hashRange(SEED_WORD, s, from, to)));
        if (!t.word[i] || to - from < 2) {
            return;
        }
        int limit = Math.min(to, from + maxTokenChars);
        // The marked word "<" + chars + ">" has length L; n-gram k..k+n of it.
        int length = limit - from + 2;
        for (int k = 0; k + minN <= length; k++) {
            int h = SEED_CHARS;
            int maxLen = Math.min(maxN, length - k);
            for (int n = 1; n <= maxLen; n++) {
                int p = k + n - 1;
                char c = p == 0 ? '<' : p == length - 1 ? '>' : s.charAt(from + p - 1);
                h = (h ^ c) * FNV_PRIME;
                if (n >= minN) {
                    sink.accept(bucket(h ^ n));
                }
            }
        }
    }

    /**
     * The sum of {@code weights} over position {@code i}'s unigram and char n-grams: what
     * {@link #positionFeatures} sends, added up without a callback (the scorer's inner loop).
     */
    public double positionWeight(Tokens t, int i, float[] weights) {
        String s = t.text;
        int from = t.start[i];
        int to = t.end[i];
        double sum = weights[bucket(hashRange(SEED_WORD, s, from, to))];
        if (!t.word[i] || to - from < 2) {
            return sum;
        }
        int limit = Math.min(to, from + maxTokenChars);
        int length = limit - from + 2;
        for (int k = 0; k + minN <= length; k++) {
            int h = SEED_CHARS;
            int maxLen = Math.min(maxN, length - k);
            for (int n = 1; n <= maxLen; n++) {
                int p = k + n - 1;
                char c = p == 0 ? '<' : p == length - 1 ? '>' : s.charAt(from + p - 1);
                h = (h ^ c) * FNV_PRIME;
                if (n >= minN) {
                    sum += weights[bucket(h ^ n)];
                }
            }
        }
        return sum;
    }

    /** The bucket of the bigram (token {@code i - 1}, token {@code i}); {@code i >= 1}. */
    public int bigramBucket(Tokens t, int i) {
        int h = hashRange(SEED_BIGRAM, t.text, t.start[i - 1], t.end[i - 1]);
        h = (h ^ ' ') * FNV_PRIME;
        h = hashRange(h, t.text, t.start[i], t.end[i]);
        return bucket(h);
    }

    private static int hashRange(int seed, String s, int from, int to) {
        int h = seed;
        for (int k = from; k < to; k++) {
            h = (h ^ s.charAt(k)) * FNV_PRIME;
        }
        return h;
    }

    private int bucket(int h) {
        // MurmurHash3's 32-bit finaliser spreads FNV's weak low bits.
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h >>> (32 - bits);
    }
}
