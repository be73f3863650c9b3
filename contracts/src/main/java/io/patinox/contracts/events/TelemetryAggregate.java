package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Telemetry folded over a window for one subject: an agent at a config version, optionally narrowed to
 * a tool or a validator. Topic {@code patinox.aggregates} (compacted), key: {@code subject}; the latest
 * value of a subject is its current state.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param subject the compaction key, e.g. {@code agent=support|version=ab12|window=total}
 * @param agent the agent
 * @param configVersion the config commit
 * @param tool the tool this aggregate is narrowed to, or null
 * @param validator the validator this aggregate is narrowed to, or null
 * @param window the window size as an ISO-8601 duration ({@code PT1M}), or {@code total}
 * @param windowStart start of the window (inclusive); for totals, the first event seen
 * @param windowEnd end of the window (exclusive); for totals, the last event seen
 * @param runs runs that ended in the window
 * @param steps steps in the window
 * @param verdicts steps per verdict kind ({@code allow}, {@code modify}, ...)
 * @param runStatuses runs per final status
 * @param errors steps that failed (tool or model errors)
 * @param timeouts steps whose verdict came from the fail mode because the validator did not answer
 * @param lateEvents events that arrived after the window's grace period
 * @param latencies latency summaries by name ({@code step}, {@code validation}, {@code model}, ...)
 * @param usage tokens and cost
 * @param clusters failure clusters, when any
 * @param occurredAt when this aggregate was computed
 */
public record TelemetryAggregate(int schemaVersion, String subject, String agent, String configVersion,
        @OptionalField String tool,
        @OptionalField String validator, String window, @OptionalField Instant windowStart, @OptionalField Instant windowEnd,
        long runs,
        long steps, Map<String, Long> verdicts, Map<String, Long> runStatuses, long errors,
        long timeouts, long lateEvents, Map<String, LatencySummary> latencies, @OptionalField Usage usage,
        List<FailureCluster> clusters, Instant occurredAt) implements Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    /** The window name of running totals. */
    public static final String TOTAL = "total";

    public TelemetryAggregate {
        Checks.version(schemaVersion, SCHEMA_VERSION, "TelemetryAggregate");
        Checks.requiredText(subject, "subject");
        Checks.agent(agent, configVersion);
        Checks.requiredText(window, "window");
        Checks.nonNegative(runs, "runs");
        Checks.nonNegative(steps, "steps");
        verdicts = Checks.map(verdicts);
        runStatuses = Checks.map(runStatuses);
        Checks.nonNegative(errors, "errors");
        Checks.nonNegative(timeouts, "timeouts");
        Checks.nonNegative(lateEvents, "lateEvents");
        latencies = Checks.map(latencies);
        usage = Usage.orNone(usage);
        clusters = Checks.list(clusters);
        Checks.required(occurredAt, "occurredAt");
    }
}
