package io.patinox.evolution.messaging;

import io.patinox.contracts.events.EvolutionProposal;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;

/** Publishes proposals and their status changes to {@code patinox.proposals}, keyed by proposal id. */
@ApplicationScoped
public class ProposalPublisher {

    /** The outgoing channel. */
    public static final String CHANNEL = "proposals";

    @Inject
    @Channel(CHANNEL)
    Emitter<Record<String, EvolutionProposal>> emitter;

    /** Sends one proposal; completes when the broker has it. */
    public CompletionStage<Void> publish(EvolutionProposal proposal) {
        return emitter.send(Record.of(proposal.proposalId(), proposal));
    }
}
