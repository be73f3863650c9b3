package io.patinox.evolution.messaging;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.contracts.json.Json;
import io.patinox.evolution.service.ProposalService;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Reads {@code patinox.proposals} from the beginning at every start, so that proposals made before a restart can
 * still be shown, approved, rejected, reverted and judged: the topic is the audit trail and the state. The
 * service's own new events come back here too and change nothing (an event is taken only when newer).
 */
@ApplicationScoped
public class ProposalHistoryConsumer {

    private static final Logger LOG = Logger.getLogger(ProposalHistoryConsumer.class);

    /** The incoming channel. */
    public static final String CHANNEL = "proposals-history";

    @Inject
    ProposalService proposals;

    @Incoming(CHANNEL)
    @Blocking
    public void restore(Record<String, byte[]> record) {
        try {
            if (record.value() != null) {
                proposals.restore(Json.decode(record.value(), EvolutionProposal.class));
            }
        } catch (ContractViolation e) {
            LOG.warnf("Skipped a proposal event that does not match the contract (key %s): %s", record.key(),
                    e.getMessage());
        }
    }
}
