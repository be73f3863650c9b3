package io.patinox.executor.review;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ReviewDecision;
import io.patinox.executor.service.RunCheckpoint;
import java.time.Instant;
import java.util.Map;

/**
 * A review as the REST API shows it.
 *
 * @param status {@code WAITING} until a decision is applied, then {@code DECIDED} (until the run ends)
 */
public record ReviewView(String reviewId, String status, String taskId, String runId, String agent, String workflow,
        String step, int stepIndex, String policy, Action action, String reason, String input,
        Map<String, String> metadata, Instant suspendedAt, Instant expiresAt, String onTimeout,
        ReviewDecision decision) {

    /** The view of {@code checkpoint}'s review. */
    public static ReviewView of(RunCheckpoint checkpoint) {
        RunCheckpoint.PendingReview r = checkpoint.review();
        return new ReviewView(r.reviewId(), r.decision() == null ? "WAITING" : "DECIDED", checkpoint.taskId(),
                checkpoint.runId(), r.agent(), checkpoint.task().workflow(), r.step(), r.stepIndex(), r.policy(), r.action(),
                r.reason(), checkpoint.task().input(), checkpoint.task().metadata(), checkpoint.occurredAt(), r.expiresAt(),
                r.onTimeout().name().toLowerCase(java.util.Locale.ROOT), r.decision());
    }
}
