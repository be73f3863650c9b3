package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import java.time.Instant;
import java.util.Map;

/**
 * The end of a run: exactly one per task. Topic {@code patinox.results}, key: {@code taskId}.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param taskId the task
 * @param runId the run
 * @param agent the agent that ran it (the last one, after a divert)
 * @param configVersion the config commit it ran with
 * @param status how it ended
 * @param answer the answer given to the user: the agent's, or a safe refusal
 * @param reason why it ended this way (the blocking reason, the budget that ran out); null when completed
 * @param steps how many steps were proposed
 * @param usage tokens and cost of the whole run
 * @param model the model that ran it
 * @param metadata the task's metadata, copied
 * @param startedAt when the run started
 * @param occurredAt when the run ended
 * @param workflow the workflow the run followed, when the task named one ({@code agent} then names it too)
 */
public record RunResult(int schemaVersion, String taskId, String runId, String agent, String configVersion,
        RunStatus status, String answer, @OptionalField String reason, int steps, @OptionalField Usage usage,
        @OptionalField ModelRef model,
        Map<String, String> metadata, Instant startedAt, Instant occurredAt,
        @OptionalField String workflow) implements Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    /** The result of an agent's run (the shape before workflows). */
    public RunResult(int schemaVersion, String taskId, String runId, String agent, String configVersion, RunStatus status,
            String answer, String reason, int steps, Usage usage, ModelRef model, Map<String, String> metadata,
            Instant startedAt, Instant occurredAt) {
        this(schemaVersion, taskId, runId, agent, configVersion, status, answer, reason, steps, usage, model, metadata,
                startedAt, occurredAt, null);
    }

    public RunResult {
        Checks.version(schemaVersion, SCHEMA_VERSION, "RunResult");
        Checks.run(taskId, runId, agent, configVersion);
        Checks.required(status, "status");
        Checks.required(answer, "answer");
        Checks.nonNegative(steps, "steps");
        usage = Usage.orNone(usage);
        metadata = Checks.map(metadata);
        Checks.required(startedAt, "startedAt");
        Checks.required(occurredAt, "occurredAt");
    }
}
