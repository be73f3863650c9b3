package io.patinox.evolution.service;

import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.config.EvolutionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/** The latest aggregate of every subject seen on {@code patinox.aggregates}: the evolution service's input. */
@ApplicationScoped
public class AggregateView {

    private static final Logger LOG = Logger.getLogger(AggregateView.class);

    private final Map<String, TelemetryAggregate> latest = new ConcurrentHashMap<>();
    private volatile Instant lastUpdate;

    @Inject
    EvolutionConfig config;

    @Inject
    Clock clock = Clock.systemUTC();

    /** Keeps {@code aggregate} as its subject's latest; returns true when its figures changed. */
    public boolean update(TelemetryAggregate aggregate) {
        TelemetryAggregate previous = latest.put(aggregate.subject(), aggregate);
        lastUpdate = clock.instant();
        boolean changed = previous == null || !figures(previous).equals(figures(aggregate));
        if (changed && config.logChanges()) {
            LOG.info(summary(aggregate));
        }
        if (latest.size() > config.maxSubjects()) {
            evictOldestWindow();
        }
        return changed;
    }

    /** Forgets a subject (a tombstone on the compacted topic). */
    public void remove(String subject) {
        latest.remove(subject);
    }

    /** The latest aggregates matching the filters (null matches all), ordered by subject. */
    public List<TelemetryAggregate> find(String agent, String version, String window) {
        return latest.values().stream()
                .filter(a -> agent == null || agent.equals(a.agent()))
                .filter(a -> version == null || version.equals(a.configVersion()))
                .filter(a -> window == null || window.equals(a.window()))
                .sorted(Comparator.comparing(TelemetryAggregate::subject))
                .toList();
    }

    /** How many subjects are known. */
    public int size() {
        return latest.size();
    }

    /** When the last aggregate arrived, or null. */
    public Instant lastUpdate() {
        return lastUpdate;
    }

    /**
     * The figures {@link #summary} prints, compared without formatting them: several aggregates change per step, and
     * this runs for each of them.
     */
    private static List<Object> figures(TelemetryAggregate a) {
        return List.of(a.runs(), a.steps(), a.verdicts(), a.runStatuses(), a.errors(), a.timeouts(), a.lateEvents(),
                a.usage().totalTokens(), a.usage().costUsd());
    }

    /** One line for the log: the figures that matter to a reviewer, without the computation time. */
    static String summary(TelemetryAggregate a) {
        return String.format("%s runs=%d steps=%d verdicts=%s statuses=%s errors=%d timeouts=%d late=%d tokens=%d "
                + "cost=%.4f", a.subject(), a.runs(), a.steps(), a.verdicts(), a.runStatuses(), a.errors(),
                a.timeouts(), a.lateEvents(), a.usage().totalTokens(), a.usage().costUsd());
    }

    private void evictOldestWindow() {
        latest.values().stream()
                .filter(a -> !TelemetryAggregate.TOTAL.equals(a.window()) && a.windowStart() != null)
                .min(Comparator.comparing(TelemetryAggregate::windowStart))
                .ifPresent(a -> latest.remove(a.subject()));
    }
}
