package io.patinox.analyzer.service;

import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.contracts.events.FailureCluster;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.vectors.Match;
import io.patinox.vectors.MiniLmEmbedder;
import io.patinox.vectors.VectorStore;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Failure clusters per (agent, config version): each blocked, retried or failed step is embedded in-process
 * (all-MiniLM-L6-v2), stored in Lance ({@link StoredFailure}) and assigned to a cluster. The clusters are published as the
 * aggregate subject
 * {@code agent=<a>|version=<v>|window=total|clusters}. A step seen twice (redelivery) is stored and counted once.
 */
@ApplicationScoped
public class FailureClusterService {

    private static final Logger LOG = Logger.getLogger(FailureClusterService.class);

    /** Suffix of the subjects that carry clusters. */
    public static final String SUBJECT_SUFFIX = "|clusters";

    @Inject
    AnalyzerConfig config;

    @Inject
    Clock clock;

    private VectorStore<StoredFailure> store;
    private FailureClusters clusters;
    private final Set<String> seen = new HashSet<>();
    private final Map<String, long[]> kindCounts = new HashMap<>();

    private synchronized void open() {
        if (store != null) {
            return;
        }
        var settings = config.clusters();
        store = new VectorStore<>(Path.of(settings.dataset()), StoredFailure.SCHEMA);
        clusters = new FailureClusters(settings.similarity(), settings.exemplars(), settings.trendWindow());
        List<StoredFailure> rows = store.all();
        for (StoredFailure row : rows) {
            seen.add(row.id());
            String group = row.agent() + "|" + row.version();
            clusters.add(group, row.text(), row.vector(), row.occurredAtMillis());
            count(group, row.kind());
        }
        LOG.infof("Failure clusters rebuilt from %d stored failures in %s", rows.size(), settings.dataset());
    }

    /**
     * Loads the embedding model now rather than on the first failure (~1 s), off the caller's thread; not at all when
     * clustering is off (the model is ~130 MB of native memory).
     */
    void warmUp(@Observes StartupEvent event) {
        if (!config.clusters().enabled()) {
            return;
        }
        Thread warm = new Thread(() -> MiniLmEmbedder.shared().embed("warm up"), "failure-embedder-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    /**
     * Clusters the failure steps among {@code steps} (one embedding call and one Lance append for all of them);
     * returns the updated clusters aggregate of every group that changed.
     */
    public synchronized List<TelemetryAggregate> record(List<StepEvent> steps) {
        List<StepEvent> fresh = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (StepEvent step : steps) {
            if (FailureText.kind(step).isPresent()) {
                open();
                if (seen.add(FailureText.id(step))) {
                    fresh.add(step);
                    texts.add(FailureText.of(step));
                }
            }
        }
        if (fresh.isEmpty()) {
            return List.of();
        }
        List<float[]> vectors = MiniLmEmbedder.shared().embedAll(texts);
        List<StoredFailure> rows = new ArrayList<>();
        Map<String, StepEvent> changed = new LinkedHashMap<>();
        for (int i = 0; i < fresh.size(); i++) {
            StepEvent step = fresh.get(i);
            String kind = FailureText.kind(step).orElseThrow();
            long at = step.occurredAt().toEpochMilli();
            rows.add(new StoredFailure(FailureText.id(step), step.agent(), step.configVersion(), kind,
                    texts.get(i), at, vectors.get(i)));
            String group = step.agent() + "|" + step.configVersion();
            clusters.add(group, texts.get(i), vectors.get(i), at);
            count(group, kind);
            changed.putIfAbsent(group, step);
        }
        store.append(rows);
        return changed.values().stream().map(s -> aggregate(s.agent(), s.configVersion())).toList();
    }

    /** The current clusters aggregate of every known group matching the filters (null matches all). */
    public synchronized List<TelemetryAggregate> find(String agent, String version) {
        open();
        List<TelemetryAggregate> found = new ArrayList<>();
        for (String group : kindCounts.keySet()) {
            int bar = group.indexOf('|');
            String a = group.substring(0, bar);
            String v = group.substring(bar + 1);
            if ((agent == null || agent.equals(a)) && (version == null || version.equals(v))) {
                found.add(aggregate(a, v));
            }
        }
        return found;
    }

    /** The stored failures most similar to a text. */
    public synchronized List<StoredFailure> similar(String text, int k) {
        open();
        return store.nearest(MiniLmEmbedder.shared().embed(FailureText.redact(text)), k).stream().map(Match::row).toList();
    }

    private void count(String group, String kind) {
        long[] counts = kindCounts.computeIfAbsent(group, g -> new long[3]);
        counts[switch (kind) {
            case "blocked" -> 0;
            case "retried" -> 1;
            default -> 2;
        }]++;
    }

    private TelemetryAggregate aggregate(String agent, String version) {
        String group = agent + "|" + version;
        long[] counts = kindCounts.getOrDefault(group, new long[3]);
        Instant now = clock.instant();
        List<FailureCluster> list = clusters.clusters(group, now.toEpochMilli());
        Map<String, Long> verdicts = new LinkedHashMap<>();
        verdicts.put(Tally.lower(Verdict.Kind.BLOCK), counts[0]);
        verdicts.put(Tally.lower(Verdict.Kind.RETRY), counts[1]);
        String subject = Subjects.subject(agent, version, TelemetryAggregate.TOTAL, null) + SUBJECT_SUFFIX;
        return new TelemetryAggregate(TelemetryAggregate.SCHEMA_VERSION, subject, agent, version, null, null,
                TelemetryAggregate.TOTAL, null, null, 0, counts[0] + counts[1] + counts[2], verdicts, Map.of(),
                counts[2], 0, 0, Map.of(), Usage.NONE, list, now);
    }

    @PreDestroy
    synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
