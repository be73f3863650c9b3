package io.patinox.analyzer.service;

import io.patinox.analyzer.ai.FailureEmbedder;
import io.patinox.analyzer.ai.FailureStore;
import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.contracts.events.FailureCluster;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.verdict.Verdict;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Failure clusters per (agent, config version): each blocked, retried or failed step is embedded, stored in Lance
 * and assigned to a cluster. The clusters are published as the aggregate subject
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
    FailureEmbedder embedder;

    private FailureStore store;
    private FailureClusters clusters;
    private final Set<String> seen = new HashSet<>();
    private final Map<String, long[]> kindCounts = new HashMap<>();

    private synchronized void open() {
        if (store != null) {
            return;
        }
        var settings = config.clusters();
        store = new FailureStore(Path.of(settings.dataset()), FailureEmbedder.DIMENSION);
        clusters = new FailureClusters(settings.similarity(), settings.exemplars(), settings.trendWindow());
        List<FailureStore.Row> rows = store.all();
        for (FailureStore.Row row : rows) {
            seen.add(row.id());
            String group = row.agent() + "|" + row.version();
            clusters.add(group, row.text(), row.vector(), row.occurredAtMillis());
            count(group, row.kind());
        }
        LOG.infof("Failure clusters rebuilt from %d stored failures in %s", rows.size(), settings.dataset());
    }

    /** Clusters a failure step; returns the group's updated clusters aggregate, or empty if nothing changed. */
    public synchronized Optional<TelemetryAggregate> record(StepEvent step) {
        Optional<String> kind = FailureText.kind(step);
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        open();
        String id = FailureText.id(step);
        if (!seen.add(id)) {
            return Optional.empty();
        }
        String text = FailureText.of(step);
        float[] vector = embedder.embed(text);
        long at = step.occurredAt().toEpochMilli();
        store.append(List.of(new FailureStore.Row(id, step.agent(), step.configVersion(), kind.get(), text, at,
                vector)));
        String group = step.agent() + "|" + step.configVersion();
        clusters.add(group, text, vector, at);
        count(group, kind.get());
        return Optional.of(aggregate(step.agent(), step.configVersion()));
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
    public synchronized List<FailureStore.Row> similar(String text, int k) {
        open();
        return store.nearest(embedder.embed(FailureText.redact(text)), k);
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
        List<FailureCluster> list = clusters.clusters(group, System.currentTimeMillis());
        Map<String, Long> verdicts = new LinkedHashMap<>();
        verdicts.put(Tally.lower(Verdict.Kind.BLOCK), counts[0]);
        verdicts.put(Tally.lower(Verdict.Kind.RETRY), counts[1]);
        String subject = Subjects.subject(agent, version, TelemetryAggregate.TOTAL, null) + SUBJECT_SUFFIX;
        return new TelemetryAggregate(TelemetryAggregate.SCHEMA_VERSION, subject, agent, version, null, null,
                TelemetryAggregate.TOTAL, null, null, 0, counts[0] + counts[1] + counts[2], verdicts, Map.of(),
                counts[2], 0, 0, Map.of(), Usage.NONE, list, Instant.now());
    }

    @PreDestroy
    synchronized void close() {
        if (store != null) {
            store.close();
        }
    }
}
