package io.patinox.executor.review;

import io.patinox.contracts.events.ReviewDecision;
import io.patinox.executor.messaging.Payloads;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes reviewers' decisions ({@code patinox.review.decisions}, group {@code executor-review-decisions}, so one
 * instance applies each) on the runs' worker pool; the record is acknowledged when the resumed run has ended or
 * suspended again, so a decision whose executor died mid-resume is delivered again and the run goes on from its
 * checkpoint. A record that is not a valid {@code ReviewDecision} goes to {@code patinox.dlq.review.decisions}.
 */
@ApplicationScoped
public class ReviewDecisionConsumer {

    /** Incoming channel of decisions. */
    public static final String DECISIONS = "review-decisions";

    @Inject
    ReviewService reviews;

    /** Applies one decision. */
    @Incoming(DECISIONS)
    @Blocking(value = "executor-runs", ordered = false)
    public void onDecision(ReviewDecision decision) {
        reviews.apply(Payloads.required(decision, ReviewDecision.class));
    }
}
