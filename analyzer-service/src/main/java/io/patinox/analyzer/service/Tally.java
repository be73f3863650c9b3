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
 * The running fold of contributions for one subject (an agent at a config version, or one of its tools or
 * validators; see {@link Scope}) over one window or the totals. Mutable on purpose: the fold keeps the hot ones in
 * memory and writes them to its state stores once per commit. Latencies go into HdrHistograms, which merge exactly
 * and answer percentiles within their stated precision.
 *
 * <p>
 * What each scope counts: the agent scope every step, reply and run; a tool scope the steps that called that
 * tool ({@code steps}, verdicts, errors, timeouts, tokens, latencies {@code step}, {@code validation},
 * {@code model}, {@code tool}); a validator scope that validator's findings from the replies ({@code steps} =
 * steps it judged, {@code verdicts} = what it asked for, latency {@code validator} = its own time per step).
 */
public final class Tally {

    /** Latency names in the aggregate's {@code latencies} map. */
    public static final List<String> LATENCIES = List.of("step", "validation", "model", "validator", "tool");

    static final int STEP = 0;
    static final int VALIDATION = 1;
    static final int MODEL = 2;
    static final int VALIDATOR = 3;
    static final int TOOL = 4;

    String agent;
    String configVersion;
    Scope scope = Scope.AGENT;
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

    /** Sets whose tally this is, on its first contribution; returns this tally. */
    public Tally identify(String agent, String configVersion, Scope scope) {
        if (this.agent == null) {
            this.agent = agent;
            this.configVersion = configVersion;
            this.scope = scope;
        }
        return this;
    }

    /** Folds one contribution in (agent scope: any; tool scope: its steps); returns this tally. */
    public Tally add(Contribution c) {
        seen(c.eventTimeMillis());
        switch (c.kind()) {
            case STEP -> addStep(c);
            case REPLY -> {
                replies++;
                record(VALIDATOR, c.validatorMicros());
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
        record(STEP, c.stepMicros());
        record(VALIDATION, c.validationMicros());
        record(MODEL, c.modelMicros());
        if (c.toolRan()) {
            record(TOOL, c.toolMicros());
        }
    }

    /** Folds one validator's finding in (validator scope); returns this tally. */
    public Tally addCheck(Contribution.Check check, long eventTimeMillis) {
        seen(eventTimeMillis);
        steps++;
        verdicts[check.outcome().ordinal()]++;
        record(VALIDATOR, check.micros());
        return this;
    }

    private void seen(long eventTimeMillis) {
        firstEventMillis = Math.min(firstEventMillis, eventTimeMillis);
        lastEventMillis = Math.max(lastEventMillis, eventTimeMillis);
    }

    private void record(int latency, long micros) {
        latencies[latency].recordValue(micros);
        encoded[latency] = null;
    }

    /**
     * Counts, without folding its figures in, an event that came after this window's grace period. Returns this
     * tally.
     */
    public Tally addLate() {
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

    /** The slice of the agent this tally covers. */
    public Scope scope() {
        return scope;
    }

    /** The subject of this tally in a window ({@code windowStart} null for the totals). */
    public String subject(String window, Instant windowStart) {
        return Subjects.subject(agent, configVersion, scope, window, windowStart);
    }

    /**
     * This tally as the published record. For totals the window bounds are the first and last event seen; for a
     * tumbling window they are the window's own bounds. {@code at} is when it is published (or read).
     */
    public TelemetryAggregate toAggregate(String window, Instant windowStart, Instant windowEnd, Instant at) {
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
        return new TelemetryAggregate(TelemetryAggregate.SCHEMA_VERSION, subject(window, windowStart), agent,
                configVersion, scope.tool(), scope.validator(), window, start, end, runs, steps, verdictCounts,
                statusCounts, errors, timeouts, lateEvents, summaries, new Usage(inputTokens, outputTokens, costUsd),
                List.of(), at);
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
