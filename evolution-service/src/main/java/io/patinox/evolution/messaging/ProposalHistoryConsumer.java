package io.patinox.evolution.messaging;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.evolution.service.ProposalService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Reads {@code patinox.proposals} from the beginning at every start, so that proposals made before a restart can
 * still be shown, approved, rejected, reverted and judged: the topic is the audit trail and the state. The
 * service's own new events come back here too and change nothing (an event is taken only when newer). An event
 * its deserializer refuses arrives as null (the refusal is logged there) and is skipped.
 */
@ApplicationScoped
public class ProposalHistoryConsumer {

    /** The incoming channel. */
    public static final String CHANNEL = "proposals-history";

    @Inject
    ProposalService proposals;

    @Incoming(CHANNEL)
    @Blocking
    public void restore(Record<String, EvolutionProposal> record) {
        if (record.value() != null) {
            proposals.restore(record.value());
        }
    }
}
