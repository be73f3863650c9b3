package io.patinox.executor.review;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ReviewDecision;
import io.patinox.executor.service.RunCheckpoint;
import io.patinox.executor.service.RunExecutor;
import io.patinox.executor.service.RunJournal;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Human review of suspended runs. The run journal is the list of reviews: a suspended run's checkpoint holds the
 * pending action and the validator's reason, on every instance. A decision, from whoever publishes it, is applied
 * by {@link #apply}: the checkpoint is written running again with the decision, then the run resumes on this thread
 * (approve: the pending action runs; edit: the edited action is validated first; reject: the run ends with the
 * reason). A decision for a review that no longer waits is ignored, so the first decision wins. The policy's time
 * limit is enforced by {@link #expire()}, which publishes the policy's {@code onTimeout} decision.
 */
@ApplicationScoped
public class ReviewService {

    private static final Logger LOG = Logger.getLogger(ReviewService.class);
    /** Who a time-limit decision names. */
    public static final String TIMEOUT = "timeout";

    /** Why a decision made here was refused: no such review, or it no longer waits. */
    public static final class NotWaiting extends RuntimeException {
        public final boolean unknown;

        NotWaiting(String message, boolean unknown) {
            super(message);
            this.unknown = unknown;
        }
    }

    @Inject
    RunJournal journal;
    @Inject
    RunExecutor executor;
    @Inject
    ReviewEvents events;
    @Inject
    Clock clock;

    /** Time-limit decisions this instance already published (the consumer applies them shortly). */
    private final Set<String> expired = ConcurrentHashMap.newKeySet();

    /** Every review waiting for a decision, oldest first. */
    public List<ReviewView> waiting() {
        return journal.suspended().stream().map(ReviewView::of).toList();
    }

    /** The review {@code reviewId}, waiting or decided, while its run has not ended. */
    public Optional<ReviewView> find(String reviewId) {
        return journal.byReview(reviewId).filter(c -> c.state() != RunCheckpoint.State.DONE).map(ReviewView::of);
    }

    /**
     * Publishes a reviewer's decision on a waiting review.
     *
     * @throws NotWaiting when there is no such review, or it was decided already
     */
    public ReviewDecision decide(String reviewId, ReviewDecision.Kind kind, Action action, String reason, String decidedBy) {
        RunCheckpoint c = journal.byReview(reviewId)
                .orElseThrow(() -> new NotWaiting("no review '" + reviewId + "' is waiting", true));
        if (c.state() != RunCheckpoint.State.SUSPENDED) {
            throw new NotWaiting("review '" + reviewId + "' was decided already", false);
        }
        ReviewDecision decision = new ReviewDecision(ReviewDecision.SCHEMA_VERSION, UUID.randomUUID().toString(), reviewId,
                c.taskId(), kind, action, reason, decidedBy, clock.instant());
        events.decide(decision);
        return decision;
    }

    /** Applies a decision from {@code patinox.review.decisions}; blocking: the resumed run goes on on this thread. */
    public void apply(ReviewDecision decision) {
        Optional<RunCheckpoint> found = journal.find(decision.taskId());
        if (found.isEmpty() || found.get().review() == null || !found.get().review().reviewId().equals(decision.reviewId())) {
            LOG.infof("Decision %s on review %s: no run waits for it; ignored", decision.decisionId(), decision.reviewId());
            return;
        }
        RunCheckpoint c = found.get();
        RunCheckpoint resumed;
        if (c.state() == RunCheckpoint.State.SUSPENDED) {
            resumed = c.resumed(decision, clock.instant());
            journal.save(resumed);
        } else if (c.state() == RunCheckpoint.State.RUNNING && c.review().decision() != null
                && c.review().decision().decisionId().equals(decision.decisionId())) {
            // Redelivered after this executor stopped mid-resume: the checkpoint says where the run is.
            resumed = c;
        } else {
            LOG.infof("Decision %s on review %s: the review was decided already; ignored", decision.decisionId(),
                    decision.reviewId());
            return;
        }
        executor.resume(resumed);
    }

    /** Decides every review past its policy's time limit by the policy's {@code onTimeout}. */
    @Scheduled(identity = "review-time-limits", every = "${patinox.executor.review.check-interval:10s}", concurrentExecution = ConcurrentExecution.SKIP)
    public void expire() {
        for (RunCheckpoint c : journal.suspended()) {
            RunCheckpoint.PendingReview r = c.review();
            if (r.expiresAt().isAfter(clock.instant()) || !expired.add(r.reviewId())) {
                continue;
            }
            try {
                String reason = "no reviewer decided by " + r.expiresAt() + " (the policy's review time limit)";
                events.decide(new ReviewDecision(ReviewDecision.SCHEMA_VERSION, UUID.randomUUID().toString(), r.reviewId(),
                        c.taskId(), r.onTimeout(), null, reason, TIMEOUT, clock.instant()));
                LOG.infof("Review %s of task %s timed out: %s", r.reviewId(), c.taskId(), r.onTimeout());
            } catch (RuntimeException e) {
                expired.remove(r.reviewId());
                LOG.warnf("Could not publish the time-limit decision of review %s: %s", r.reviewId(), e.getMessage());
            }
        }
    }
}
