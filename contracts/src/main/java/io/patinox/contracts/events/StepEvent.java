package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import java.time.Instant;
import java.util.List;

/**
 * One step of a run: what was proposed, the verdict, and what happened. Published after the verdict
 * was applied. Topic {@code patinox.steps}, key: {@code runId}.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param taskId the task
 * @param runId the run
 * @param stepIndex 0-based index of the step in the run
 * @param agent the agent's name
 * @param configVersion the config commit the agent ran with
 * @param model the model that proposed the action (marked when scripted)
 * @param action what the model proposed
 * @param verdict the verdict applied
 * @param verdictSource whether the validator answered, or the fail mode decided
 * @param findings the validators' findings (empty when no reply came)
 * @param outcome what became of the step
 * @param output the tool's output or the answer given; null when nothing ran
 * @param error what failed, when the outcome is {@code FAILED}; else null
 * @param usage tokens and cost of the model call behind this step
 * @param modelLatencyMicros time the model took to propose
 * @param validationLatencyMicros time from asking for the verdict to having it (round trip)
 * @param executionLatencyMicros time to carry out the action (tool call), 0 if nothing ran
 * @param occurredAt when the step ended
 */
public record StepEvent(int schemaVersion, String taskId, String runId, int stepIndex, String agent,
        String configVersion, ModelRef model, Action action, Verdict verdict,
        VerdictSource verdictSource, List<Finding> findings, StepOutcome outcome, @OptionalField String output,
        @OptionalField String error, @OptionalField Usage usage, long modelLatencyMicros, long validationLatencyMicros,
        long executionLatencyMicros, Instant occurredAt) implements Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public StepEvent {
        Checks.version(schemaVersion, SCHEMA_VERSION, "StepEvent");
        Checks.step(taskId, runId, stepIndex, agent, configVersion);
        Checks.required(model, "model");
        Checks.required(action, "action");
        Checks.required(verdict, "verdict");
        Checks.required(verdictSource, "verdictSource");
        findings = Checks.list(findings);
        Checks.required(outcome, "outcome");
        usage = Usage.orNone(usage);
        Checks.nonNegative(modelLatencyMicros, "modelLatencyMicros");
        Checks.nonNegative(validationLatencyMicros, "validationLatencyMicros");
        Checks.nonNegative(executionLatencyMicros, "executionLatencyMicros");
        Checks.required(occurredAt, "occurredAt");
    }
}
