package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import java.time.Instant;
import java.util.Map;

/**
 * A run suspended for a person's decision: the validator diverted one of its steps to human review and the
 * policy of that step lets runs wait for a reviewer. Topic {@code patinox.review.requests}, key: {@code reviewId}.
 * The decision comes back as a {@link ReviewDecision} on {@code patinox.review.decisions}.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param reviewId the review; decisions name it
 * @param taskId the task of the suspended run
 * @param runId the suspended run
 * @param agent the agent whose step waits (for a tool step of a workflow, the workflow)
 * @param workflow the workflow of the run, when the task named one
 * @param step the workflow step that waits (its path, e.g. {@code refund} or {@code checks/fraud}), when in a workflow
 * @param stepIndex the index of the step that waits
 * @param configVersion the config commit the run uses
 * @param policy the validator policy that diverted the step
 * @param action the pending action: what runs if a reviewer approves
 * @param reason why the validator asked for a person
 * @param input the task as submitted, so the reviewer sees what was asked
 * @param metadata the task's metadata
 * @param expiresAt when the policy's time limit ends the wait (its {@code onTimeout} then decides)
 * @param occurredAt when the run was suspended
 */
public record ReviewRequest(int schemaVersion, String reviewId, String taskId, String runId, String agent,
        @OptionalField String workflow, @OptionalField String step, int stepIndex,
        String configVersion, String policy, Action action, String reason, String input,
        Map<String, String> metadata, Instant expiresAt, Instant occurredAt) implements Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public ReviewRequest {
        Checks.version(schemaVersion, SCHEMA_VERSION, "ReviewRequest");
        Checks.requiredText(reviewId, "reviewId");
        Checks.step(taskId, runId, stepIndex, agent, configVersion);
        Checks.requiredText(policy, "policy");
        Checks.required(action, "action");
        Checks.required(reason, "reason");
        Checks.required(input, "input");
        metadata = Checks.map(metadata);
        Checks.required(expiresAt, "expiresAt");
        Checks.required(occurredAt, "occurredAt");
    }
}
