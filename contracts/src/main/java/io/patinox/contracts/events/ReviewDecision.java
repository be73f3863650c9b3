package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import java.time.Instant;

/**
 * A person's decision on a {@link ReviewRequest}. Topic {@code patinox.review.decisions}, key: {@code reviewId}.
 * Anyone may publish one (the executor's REST API, the launcher, a client); the executor applies the first
 * decision for a review that is still waiting and ignores later ones.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param decisionId this decision, for logs and deduplication
 * @param reviewId the review decided
 * @param taskId the task of the suspended run
 * @param decision approve, edit or reject
 * @param action for {@code EDIT}: the action to run instead; validated again before it runs
 * @param reason for {@code REJECT}: why (the run ends with it); optional otherwise
 * @param decidedBy who decided (a reviewer's name, or {@code timeout} when the policy's time limit decided)
 * @param occurredAt when it was decided
 */
public record ReviewDecision(int schemaVersion, String decisionId, String reviewId, String taskId, Kind decision,
        @OptionalField Action action, @OptionalField String reason, String decidedBy,
        Instant occurredAt) implements Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    /** What the reviewer decided. */
    public enum Kind {
        /** Run the pending action as it is. */
        APPROVE,
        /** Run {@code action} instead, if the validator allows it. */
        EDIT,
        /** Do not run it: the run ends with {@code reason}. */
        REJECT
    }

    public ReviewDecision {
        Checks.version(schemaVersion, SCHEMA_VERSION, "ReviewDecision");
        Checks.requiredText(decisionId, "decisionId");
        Checks.requiredText(reviewId, "reviewId");
        Checks.requiredText(taskId, "taskId");
        checkDecision(decision, action, reason);
        Checks.requiredText(decidedBy, "decidedBy");
        Checks.required(occurredAt, "occurredAt");
    }

    /** Rejects a decision without its kind, an edit without the action to run, a rejection without a reason. */
    private static void checkDecision(Kind decision, Action action, String reason) {
        Checks.required(decision, "decision");
        if (decision == Kind.EDIT && action == null) {
            throw new IllegalArgumentException("missing required field 'action' (an edit names the action to run)");
        }
        if (decision == Kind.REJECT && (reason == null || reason.isBlank())) {
            throw new IllegalArgumentException("missing required field 'reason' (a rejection says why)");
        }
    }
}
