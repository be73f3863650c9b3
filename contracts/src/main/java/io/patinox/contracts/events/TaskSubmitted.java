package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import java.time.Instant;
import java.util.Map;

/**
 * A task for an agent or a workflow, published by a client. Topic {@code patinox.tasks}, key: {@code taskId}.
 * The executor runs a task id once, however often it is published.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param taskId the client's id for this task; the idempotency key
 * @param agent the name of the agent that should run it; for a workflow task, the workflow's name (the field
 *        stays required on the wire, and a result's {@code agent} names the workflow too)
 * @param input the task in the user's words (a workflow whose input has a schema reads it as JSON)
 * @param metadata free-form labels (tenant, user, source), copied to the result
 * @param occurredAt when the client submitted it
 * @param workflow the name of the workflow that should run it, when the task is for a workflow; then equal to {@code agent}
 */
public record TaskSubmitted(int schemaVersion, String taskId, String agent, String input,
        Map<String, String> metadata, Instant occurredAt, @OptionalField String workflow)
        implements
            Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public TaskSubmitted {
        Checks.version(schemaVersion, SCHEMA_VERSION, "TaskSubmitted");
        Checks.requiredText(taskId, "taskId");
        Checks.requiredText(agent, "agent");
        if (workflow != null && !workflow.equals(agent)) {
            // 'agent' stays required on the wire (old readers); a workflow task names its workflow in both.
            throw new IllegalArgumentException("field 'agent' must name the workflow of a workflow task ('workflow')");
        }
        Checks.required(input, "input");
        metadata = Checks.map(metadata);
        Checks.required(occurredAt, "occurredAt");
    }

    /** A task for an agent (the shape before workflows). */
    public TaskSubmitted(int schemaVersion, String taskId, String agent, String input, Map<String, String> metadata,
            Instant occurredAt) {
        this(schemaVersion, taskId, agent, input, metadata, occurredAt, null);
    }

    /** A task for {@code workflow} submitted now, with no metadata. */
    public static TaskSubmitted forWorkflow(String taskId, String workflow, String input) {
        return new TaskSubmitted(SCHEMA_VERSION, taskId, workflow, input, Map.of(), Instant.now(), workflow);
    }

    /** A task submitted now, with no metadata. */
    public static TaskSubmitted of(String taskId, String agent, String input) {
        return new TaskSubmitted(SCHEMA_VERSION, taskId, agent, input, Map.of(), Instant.now());
    }
}
