package io.patinox.contracts.events;

import java.time.Instant;

/**
 * A step the executor wants to take; the validator must answer it before it runs.
 * Topic {@code patinox.validation.requests}, key: {@code runId}. The reply is correlated by the
 * {@code kafka_correlation_id} header and goes to the topic named in {@code kafka_reply_topic}.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param requestId unique per request (a retried step gets a new one)
 * @param taskId the task the run belongs to
 * @param runId the run
 * @param stepIndex 0-based index of the step in the run
 * @param agent the agent's name
 * @param configVersion the config commit the agent runs with ({@code <sha>} or {@code <sha>-dirty})
 * @param policy the validator policy the agent's config names
 * @param action what the agent proposes
 * @param context what the validator may need about the run so far
 * @param occurredAt when the executor asked
 */
public record ValidationRequest(int schemaVersion, String requestId, String taskId, String runId, int stepIndex,
        String agent, String configVersion, String policy, Action action,
        StepContext context, Instant occurredAt) implements Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public ValidationRequest {
        Checks.version(schemaVersion, SCHEMA_VERSION, "ValidationRequest");
        checkStep(requestId, taskId, runId, stepIndex, agent, configVersion, policy);
        Checks.required(action, "action");
        Checks.required(context, "context");
        Checks.required(occurredAt, "occurredAt");
    }

    /** Checks the fields a {@link ValidationReply} copies from its request: which step of which run, and the policy. */
    static void checkStep(String requestId, String taskId, String runId, int stepIndex, String agent,
            String configVersion, String policy) {
        Checks.requiredText(requestId, "requestId");
        Checks.step(taskId, runId, stepIndex, agent, configVersion);
        Checks.requiredText(policy, "policy");
    }
}
