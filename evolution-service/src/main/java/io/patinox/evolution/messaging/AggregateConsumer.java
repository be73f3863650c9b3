package io.patinox.evolution.messaging;

import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.service.AggregateView;
import io.patinox.evolution.service.ProposalService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads the compacted {@code patinox.aggregates} into the {@link AggregateView}. A record that does not decode
 * never gets here: the channel's deserializer refuses it and the dead-letter strategy parks it in
 * {@code patinox.dlq.aggregates} with its original bytes and the reason; the consumer goes on. A changed aggregate is offered
 * to the
 * proposal rules and to the outcome check of merged proposals (git, on the worker thread).
 */
@ApplicationScoped
public class AggregateConsumer {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(AggregateConsumer.class);

    /** The incoming channel. */
    public static final String CHANNEL = "aggregates";

    @Inject
    AggregateView view;

    @Inject
    ProposalService proposals;

    @Incoming(CHANNEL)
    @Blocking
    public void consume(Record<String, TelemetryAggregate> record) throws Exception {
        if (record.value() == null) {
            // A tombstone: the analyzer retired this subject.
            if (record.key() != null) {
                view.remove(record.key());
            }
            return;
        }
        TelemetryAggregate aggregate = record.value();
        if (view.update(aggregate)) {
            // Each proposal and status change is published by the service as it happens. A failure there (the
            // config remote unreachable, a push refused) is not the aggregate's fault: logged, not dead-lettered.
            try {
                proposals.consider(aggregate);
            } catch (RuntimeException e) {
                LOG.errorf("Proposals from %s failed: %s", aggregate.subject(), e.toString());
            }
        }
    }
}
