package io.patinox.analyzer.service;

import io.patinox.contracts.events.FailureCluster;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Online leader clustering of failure vectors, per (agent, config version): a failure joins the cluster whose
 * centroid is most similar (cosine) if that similarity reaches the threshold, else it starts a new cluster. Replaying
 * the stored failures in their order rebuilds the same clusters with the same ids after a restart. Not thread-safe:
 * callers serialise access.
 */
public final class FailureClusters {

    private final double similarity;
    private final int exemplars;
    private final long trendMillis;
    private final Map<String, List<Cluster>> byGroup = new LinkedHashMap<>();

    public FailureClusters(double similarity, int exemplars, Duration trendWindow) {
        this.similarity = similarity;
        this.exemplars = exemplars;
        this.trendMillis = trendWindow.toMillis();
    }

    /** Adds one failure; returns the id of the cluster it joined or started. */
    public String add(String groupKey, String text, float[] vector, long occurredAtMillis) {
        List<Cluster> clusters = byGroup.computeIfAbsent(groupKey, k -> new ArrayList<>());
        Cluster best = null;
        double bestSimilarity = -1;
        for (Cluster c : clusters) {
            double s = c.similarity(vector);
            if (s > bestSimilarity) {
                bestSimilarity = s;
                best = c;
            }
        }
        if (best == null || bestSimilarity < similarity) {
            best = new Cluster(idFor(groupKey, text), vector.length);
            clusters.add(best);
        }
        best.add(text, vector, occurredAtMillis, exemplars, trendMillis);
        return best.id;
    }

    /** The clusters of a group, largest first, with their trend as of {@code nowMillis}. */
    public List<FailureCluster> clusters(String groupKey, long nowMillis) {
        return byGroup.getOrDefault(groupKey, List.of()).stream()
                .sorted((a, b) -> Long.compare(b.size, a.size))
                .map(c -> new FailureCluster(c.id, c.size, c.trend(nowMillis, trendMillis), List.copyOf(c.exemplars)))
                .toList();
    }

    /** The most trend buckets any cluster of a group holds (bounded by two trend windows' worth). */
    public int maxTrendBuckets(String groupKey) {
        return byGroup.getOrDefault(groupKey, List.of()).stream().mapToInt(Cluster::bucketCount).max().orElse(0);
    }

    private static String idFor(String groupKey, String firstText) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((groupKey + "\n" + firstText).getBytes(StandardCharsets.UTF_8));
            return "cluster-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One cluster: a running sum of its (unit) vectors as centroid, its size, exemplars, and for the trend its
     * members counted per bucket of event time (a sixtieth of the trend window): only the buckets of the last two
     * trend windows are kept, so memory per cluster is bounded however many failures join it.
     */
    private static final class Cluster {
        static final int BUCKETS_PER_WINDOW = 60;
        final String id;
        final double[] sum;
        long size;
        final List<String> exemplars = new ArrayList<>();
        /** Members per bucket index (event time / bucket width). */
        final TreeMap<Long, Long> buckets = new TreeMap<>();

        Cluster(String id, int dimension) {
            this.id = id;
            this.sum = new double[dimension];
        }

        static long bucketMillis(long window) {
            return Math.max(1, window / BUCKETS_PER_WINDOW);
        }

        double similarity(float[] v) {
            double dot = 0;
            double norm = 0;
            double vnorm = 0;
            for (int i = 0; i < sum.length; i++) {
                dot += sum[i] * v[i];
                norm += sum[i] * sum[i];
                vnorm += (double) v[i] * v[i];
            }
            return norm == 0 || vnorm == 0 ? 0 : dot / Math.sqrt(norm * vnorm);
        }

        void add(String text, float[] v, long at, int maxExemplars, long window) {
            for (int i = 0; i < sum.length; i++) {
                sum[i] += v[i];
            }
            size++;
            long width = bucketMillis(window);
            buckets.merge(Math.floorDiv(at, width), 1L, Long::sum);
            // Older than two windows before the latest member: no trend can count it any more.
            buckets.headMap(buckets.lastKey() - 2L * (window / width) - 1).clear();
            if (exemplars.size() < maxExemplars && !exemplars.contains(text)) {
                exemplars.add(text);
            }
        }

        /**
         * Members in the last window minus members in the window before it, each member placed at the start of its
         * bucket (so within a sixtieth of the window).
         */
        double trend(long now, long window) {
            long width = bucketMillis(window);
            long recent = 0;
            long before = 0;
            for (var bucket : buckets.entrySet()) {
                long start = bucket.getKey() * width;
                if (start > now - window) {
                    recent += bucket.getValue();
                } else if (start > now - 2 * window) {
                    before += bucket.getValue();
                }
            }
            return recent - before;
        }

        int bucketCount() {
            return buckets.size();
        }
    }
}
