package io.patinox.executor.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.validation.FailMode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A workflow as the executor runs it: what {@code config/workflows/<name>.yaml} says, or what
 * {@link io.patinox.executor.api.WorkflowDefinitions} builds in Java (both produce this record).
 *
 * @param name the workflow's name; tasks name it
 * @param description for people
 * @param policy the validator policy of the workflow's tool steps (agent steps use their agent's)
 * @param failMode what a tool step's missing verdict amounts to
 * @param stepDeadline how long a tool step's verdict may take
 * @param maxSteps how many steps (model proposals and tool calls, all agents together) the run may take
 * @param inputSchema the JSON Schema of the task's input, or null for plain text
 * @param outputSchema the JSON Schema of the workflow's output, or null
 * @param output the expression of the run's answer; null: the last step's output
 * @param steps the steps, in order
 * @param source where it was read from (a file, or {@code java:<class>})
 */
public record WorkflowDefinition(String name, String description, String policy, FailMode failMode,
        Duration stepDeadline, int maxSteps, JsonNode inputSchema, JsonNode outputSchema,
        String output, List<WorkflowStep> steps, String source) {

    /** Policy of tool steps when the file names none. */
    public static final String DEFAULT_POLICY = "default";
    /** Step deadline when the file names none. */
    public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);
    /** Step budget when the file names none. */
    public static final int DEFAULT_MAX_STEPS = 50;

    public WorkflowDefinition {
        Objects.requireNonNull(name, "name");
        description = description == null ? "" : description;
        policy = policy == null ? DEFAULT_POLICY : policy;
        failMode = failMode == null ? FailMode.CLOSED : failMode;
        stepDeadline = stepDeadline == null ? DEFAULT_DEADLINE : stepDeadline;
        if (maxSteps < 1) {
            throw new IllegalArgumentException("maxSteps must be >= 1, was " + maxSteps);
        }
        steps = List.copyOf(steps);
        if (steps.isEmpty()) {
            throw new IllegalArgumentException("a workflow has at least one step");
        }
    }
}
