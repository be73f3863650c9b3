package io.patinox.analyzer.service;

import io.patinox.contracts.events.LatencySummary;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.verdict.Verdict;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The running fold of contributions for one (agent, config version) over one window or the totals. Mutable on
 * purpose: Kafka Streams hands each aggregation a freshly deserialised copy. Latencies go into HdrHistograms,
 * which merge exactly and answer percentiles within their stated precision.
 */
public final class Tally {

    /** Latency names in the aggregate's {@code latencies} map. */
    public static final List<String> LATENCIES = List.of("step", "validation", "model", "validator");

    String agent;
    String configVersion;
    long runs;
    long steps;
    long replies;
    long errors;
    long timeouts;
    long lateEvents;
    final long[] verdicts = new long[Verdict.Kind.values().length];
    final long[] statuses = new long[RunStatus.values().length];
    long inputTokens;
    long outputTokens;
    double costUsd;
    long firstEventMillis = Long.MAX_VALUE;
    long lastEventMillis = Long.MIN_VALUE;
    final Histogram[] latencies = new Histogram[LATENCIES.size()];
    /** The last state encoding of each histogram, dropped when it records; spares re-encoding unchanged ones. */
    final byte[][] encoded = new byte[LATENCIES.size()][];

    /** An empty tally whose histograms keep {@code digits} significant digits. */
    public Tally(int digits) {
        for (int i = 0; i < latencies.length; i++) {
            latencies[i] = new Histogram(digits);
        }
    }

    /** Folds one contribution in; returns this tally. */
    public Tally add(Contribution c) {
        if (agent == null) {
            agent = c.agent();
            configVersion = c.configVersion();
        }
        firstEventMillis = Math.min(firstEventMillis, c.eventTimeMillis());
        lastEventMillis = Math.max(lastEventMillis, c.eventTimeMillis());
        switch (c.kind()) {
            case STEP -> addStep(c);
            case REPLY -> {
                replies++;
                record(3, c.validatorMicros());
            }
            case RUN -> {
                runs++;
                statuses[c.status().ordinal()]++;
            }
        }
        return this;
    }

    private void addStep(Contribution c) {
        steps++;
        verdicts[c.verdict().ordinal()]++;
        if (c.outcome() == StepOutcome.FAILED) {
            errors++;
        }
        if (c.timedOut()) {
            timeouts++;
        }
        inputTokens += c.inputTokens();
        outputTokens += c.outputTokens();
        costUsd += c.costUsd();
        record(0, c.stepMicros());
        record(1, c.validationMicros());
        record(2, c.modelMicros());
    }

    private void record(int latency, long micros) {
        latencies[latency].recordValue(micros);
        encoded[latency] = null;
    }

    /**
     * Counts, without folding its figures in, an event that came after this window's grace period. Returns this
     * tally.
     */
    public Tally addLate(Contribution c) {
        if (agent == null) {
            agent = c.agent();
            configVersion = c.configVersion();
        }
        lateEvents++;
        return this;
    }

    /** Counts an event (already folded in) that was late for at least one window. */
    public void markLate() {
        lateEvents++;
    }

    /** Events late for at least one window (totals) or past this window's grace (windows). */
    public long lateEvents() {
        return lateEvents;
    }

    /** Steps folded in so far. */
    public long steps() {
        return steps;
    }

    /** Runs folded in so far. */
    public long runs() {
        return runs;
    }

    /** Validation replies folded in so far. */
    public long replies() {
        return replies;
    }

    /** The agent, or null before the first contribution. */
    public String agent() {
        return agent;
    }

    /** The config version, or null before the first contribution. */
    public String configVersion() {
        return configVersion;
    }

    /**
     * This tally as the published record. For totals the window bounds are the first and last event seen; for a
     * tumbling window they are the window's own bounds.
     */
    public TelemetryAggregate toAggregate(String window, Instant windowStart, Instant windowEnd) {
        Instant start = windowStart != null ? windowStart
                : firstEventMillis == Long.MAX_VALUE ? null : Instant.ofEpochMilli(firstEventMillis);
        Instant end = windowEnd != null ? windowEnd
                : lastEventMillis == Long.MIN_VALUE ? null : Instant.ofEpochMilli(lastEventMillis);
        Map<String, Long> verdictCounts = new LinkedHashMap<>();
        for (Verdict.Kind kind : Verdict.Kind.values()) {
            verdictCounts.put(lower(kind), verdicts[kind.ordinal()]);
        }
        Map<String, Long> statusCounts = new LinkedHashMap<>();
        for (RunStatus status : RunStatus.values()) {
            statusCounts.put(lower(status), statuses[status.ordinal()]);
        }
        Map<String, LatencySummary> summaries = new LinkedHashMap<>();
        for (int i = 0; i < latencies.length; i++) {
            summaries.put(LATENCIES.get(i), summary(latencies[i]));
        }
        return new TelemetryAggregate(TelemetryAggregate.SCHEMA_VERSION, Subjects.subject(agent, configVersion, window,
                windowStart), agent, configVersion, null, null, window, start, end, runs, steps, verdictCounts,
                statusCounts, errors, timeouts, lateEvents, summaries, new Usage(inputTokens, outputTokens, costUsd),
                List.of(), Instant.now());
    }

    /** Milliseconds, from a histogram of microseconds. */
    static LatencySummary summary(Histogram h) {
        if (h.getTotalCount() == 0) {
            return new LatencySummary(0, 0, 0, 0, 0);
        }
        return new LatencySummary(h.getTotalCount(), h.getValueAtPercentile(50) / 1000.0,
                h.getValueAtPercentile(95) / 1000.0, h.getValueAtPercentile(99) / 1000.0, h.getMaxValue() / 1000.0);
    }

    /** The wire name of an enum constant: {@code BUDGET_EXCEEDED} becomes {@code budget_exceeded}. */
    public static String lower(Enum<?> e) {
        return e.name().toLowerCase(Locale.ROOT);
    }
}
