package io.patinox.evolution.messaging;

import io.patinox.contracts.events.ReviewDecision;
import io.patinox.contracts.events.ReviewRequest;
import io.patinox.evolution.service.RetrainService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reviews for retraining the injection classifier: requests from {@code patinox.review.requests} and decisions from
 * {@code patinox.review.decisions}, re-read from the beginning at every start ({@link RetrainService}). A record its
 * deserializer refuses arrives as null (the refusal is logged there) and is skipped. Blocking: a decision that
 * completes enough examples trains a model on this thread.
 */
@ApplicationScoped
public class ReviewConsumer {

    /** The incoming channel of review requests. */
    public static final String REQUESTS = "review-requests";
    /** The incoming channel of review decisions. */
    public static final String DECISIONS = "review-decisions";

    @Inject
    RetrainService retrain;

    @Incoming(REQUESTS)
    @Blocking
    public void request(Record<String, ReviewRequest> record) {
        if (record.value() != null) {
            retrain.request(record.value());
        }
    }

    @Incoming(DECISIONS)
    @Blocking
    public void decision(Record<String, ReviewDecision> record) {
        if (record.value() != null) {
            retrain.decision(record.value());
        }
    }
}
