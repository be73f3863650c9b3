package io.patinox.detection.corpus;

import io.patinox.detection.model.TfIdfFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact and near-duplicate detection for the corpus builder. Texts are compared by their {@linkplain #key key}
 * (normalised, lower case, every run of non-alphanumerics one space); near-duplicates by the Jaccard similarity of
 * their sets of character shingles, found with MinHash and locality-sensitive hashing and then confirmed exactly.
 * With 64 bands of 2 hashes a pair at Jaccard 0.5 becomes a candidate with probability 1 - 0.75^64 (1 - 1e-8).
 */
final class NearDuplicates {

    static final int HASHES = 128;
    static final int BANDS = 32;
    static final int ROWS = HASHES / BANDS;

    private NearDuplicates() {
    }

    /** The text compared for exact duplicates. */
    static String key(String text) {
        String p = TfIdfFeatures.prepare(text);
        StringBuilder out = new StringBuilder(p.length());
        boolean space = false;
        for (int i = 0; i < p.length();) {
            int cp = p.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetterOrDigit(cp)) {
                if (space && out.length() > 0) {
                    out.append(' ');
                }
                out.appendCodePoint(cp);
                space = false;
            } else {
                space = true;
            }
        }
        return out.toString();
    }

    /** The sorted, distinct hashes of the {@code k}-character shingles of a key (the whole key when shorter). */
    static int[] shingles(String key, int k) {
        if (key.length() <= k) {
            return new int[] { TfIdfFeatures.mix(key.hashCode()) };
        }
        int[] out = new int[key.length() - k + 1];
        for (int i = 0; i + k <= key.length(); i++) {
            int h = 0x811c9dc5;
            for (int j = i; j < i + k; j++) {
                h = (h ^ key.charAt(j)) * 0x01000193;
            }
            out[i] = TfIdfFeatures.mix(h);
        }
        Arrays.sort(out);
        int n = 0;
        for (int i = 0; i < out.length; i++) {
            if (i == 0 || out[i] != out[i - 1]) {
                out[n++] = out[i];
            }
        }
        return Arrays.copyOf(out, n);
    }

    /** |a ∩ b| / |a ∪ b| of two sorted, distinct arrays. */
    static double jaccard(int[] a, int[] b) {
        int i = 0, j = 0, common = 0;
        while (i < a.length && j < b.length) {
            if (a[i] == b[j]) {
                common++;
                i++;
                j++;
            } else if (a[i] < b[j]) {
                i++;
            } else {
                j++;
            }
        }
        return (double) common / (a.length + b.length - common);
    }

    /** The MinHash signature of a shingle set. */
    static int[] signature(int[] shingles) {
        return signature(shingles, 0x9e3779b9);
    }

    /** The MinHash signature of a shingle set under the hash family {@code family}. */
    static int[] signature(int[] shingles, int family) {
        int[] sig = new int[HASHES];
        Arrays.fill(sig, Integer.MAX_VALUE);
        for (int s : shingles) {
            for (int k = 0; k < HASHES; k++) {
                int h = TfIdfFeatures.mix(s ^ (family * (k + 1)));
                if (h < sig[k]) {
                    sig[k] = h;
                }
            }
        }
        return sig;
    }

    /** A pair of item indices (i < j) and their exact Jaccard similarity. */
    record Pair(int i, int j, double jaccard) {
    }

    /** Every pair with Jaccard of at least {@code min} among the candidates that share a band. */
    static List<Pair> similarPairs(List<int[]> shingleSets, double min) {
        return similarPairs(shingleSets, min, BANDS, ROWS, 0x9e3779b9, (i, j) -> true);
    }

    /** Which candidate pairs to confirm. */
    interface PairFilter {
        boolean test(int i, int j);
    }

    /**
     * Every pair with Jaccard of at least {@code min} among the candidates that share one of {@code bands} bands of
     * {@code rows} hashes ({@code bands * rows <= 128}) of the MinHash family {@code family}, and pass {@code filter}.
     */
    static List<Pair> similarPairs(List<int[]> shingleSets, double min, int bands, int rows, int family, PairFilter filter) {
        int n = shingleSets.size();
        int[][] sigs = new int[n][];
        for (int i = 0; i < n; i++) {
            sigs[i] = signature(shingleSets.get(i), family);
        }
        java.util.Set<Long> seen = new java.util.HashSet<>();
        List<Pair> out = new ArrayList<>();
        for (int b = 0; b < bands; b++) {
            Map<Long, List<Integer>> buckets = new HashMap<>();
            for (int i = 0; i < n; i++) {
                long h = b;
                for (int r = 0; r < rows; r++) {
                    h = h * 0x100000001b3L + sigs[i][b * rows + r];
                }
                buckets.computeIfAbsent(h, x -> new ArrayList<>()).add(i);
            }
            for (List<Integer> bucket : buckets.values()) {
                for (int x = 0; x < bucket.size(); x++) {
                    for (int y = x + 1; y < bucket.size(); y++) {
                        int i = bucket.get(x), j = bucket.get(y);
                        if (!filter.test(i, j) || !seen.add(((long) i << 32) | j)) {
                            continue;
                        }
                        double jac = jaccard(shingleSets.get(i), shingleSets.get(j));
                        if (jac >= min) {
                            out.add(new Pair(i, j, jac));
                        }
                    }
                }
            }
        }
        out.sort((p, q) -> p.i() != q.i() ? Integer.compare(p.i(), q.i()) : Integer.compare(p.j(), q.j()));
        return out;
    }
}
