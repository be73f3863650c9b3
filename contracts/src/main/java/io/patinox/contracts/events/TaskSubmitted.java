package io.patinox.contracts.events;

import java.time.Instant;
import java.util.Map;

/**
 * A task for an agent, published by a client. Topic {@code patinox.tasks}, key: {@code taskId}.
 * The executor runs a task id once, however often it is published.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param taskId        the client's id for this task; the idempotency key
 * @param agent         the name of the agent that should run it
 * @param input         the task in the user's words
 * @param metadata      free-form labels (tenant, user, source), copied to the result
 * @param occurredAt    when the client submitted it
 */
public record TaskSubmitted(int schemaVersion, String taskId, String agent, String input,
                            Map<String, String> metadata, Instant occurredAt) implements Event {
    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public TaskSubmitted {
        Checks.version(schemaVersion, SCHEMA_VERSION, "TaskSubmitted");
        Checks.requiredText(taskId, "taskId");
        Checks.requiredText(agent, "agent");
        Checks.required(input, "input");
        metadata = Checks.map(metadata);
        Checks.required(occurredAt, "occurredAt");
    }

    /** A task submitted now, with no metadata. */
    public static TaskSubmitted of(String taskId, String agent, String input) {
        return new TaskSubmitted(SCHEMA_VERSION, taskId, agent, input, Map.of(), Instant.now());
    }
}
