package io.patinox.executor.review;

import io.opentelemetry.context.Context;
import io.patinox.contracts.events.ReviewDecision;
import io.patinox.contracts.events.ReviewRequest;
import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.service.RunCheckpoint;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes what reviewers see and say: a {@link ReviewRequest} when a run is suspended
 * ({@code patinox.review.requests}, key reviewId), and decisions made through this executor's REST API or by the
 * review time limit ({@code patinox.review.decisions}, key reviewId), which every instance's consumer then applies.
 */
@ApplicationScoped
public class ReviewEvents {

    /** Outgoing channel of review requests. */
    public static final String REQUESTS = "review-requests";
    /** Outgoing channel of decisions made here. */
    public static final String DECISIONS_OUT = "review-decisions-out";

    private static final Logger LOG = Logger.getLogger(ReviewEvents.class);

    private final MutinyEmitter<ReviewRequest> requests;
    private final MutinyEmitter<ReviewDecision> decisions;
    private final ExecutorConfig config;
    private final Clock clock;

    ReviewEvents(@Channel(REQUESTS) MutinyEmitter<ReviewRequest> requests,
            @Channel(DECISIONS_OUT) MutinyEmitter<ReviewDecision> decisions, ExecutorConfig config, Clock clock) {
        this.requests = requests;
        this.decisions = decisions;
        this.config = config;
        this.clock = clock;
    }

    /** Tells reviewers about a suspended run; a failed send is logged (the run still waits, listed by GET /reviews). */
    public void requested(RunCheckpoint suspended, String configVersion) {
        RunCheckpoint.PendingReview r = suspended.review();
        ReviewRequest request = new ReviewRequest(ReviewRequest.SCHEMA_VERSION, r.reviewId(), suspended.taskId(),
                suspended.runId(), r.agent(), suspended.task().workflow(), r.step(), r.stepIndex(), configVersion, r.policy(),
                r.action(), r.reason(), suspended.task().input(), suspended.task().metadata(), r.expiresAt(), clock.instant());
        try {
            send(requests, r.reviewId(), request);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not publish review request %s of task %s", r.reviewId(), suspended.taskId());
        }
    }

    /**
     * Publishes a decision for the executors to apply.
     *
     * @throws RuntimeException when the broker does not acknowledge it in time
     */
    public void decide(ReviewDecision decision) {
        send(decisions, decision.reviewId(), decision);
    }

    private <T> void send(MutinyEmitter<T> emitter, String key, T event) {
        Message<T> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String> builder().withKey(key).build())
                .addMetadata(TracingMetadata.withCurrent(Context.current()));
        emitter.sendMessage(message).await().atMost(config.publish().sendTimeout());
    }
}
