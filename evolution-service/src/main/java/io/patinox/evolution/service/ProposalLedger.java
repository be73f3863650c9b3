package io.patinox.evolution.service;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.evolution.messaging.ProposalPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Every proposal at its latest status, as {@code patinox.proposals} tells it: rebuilt from the topic's history at
 * start ({@link #restore}); each status change made here is kept and published there ({@link #record}), the topic
 * being the audit trail. Also the reviews (pull requests) still open, so that a restarted service can merge or
 * close them.
 */
@ApplicationScoped
public class ProposalLedger {

    private static final Logger LOG = Logger.getLogger(ProposalLedger.class);

    private final ProposalPublisher publisher;
    private final Clock clock;
    private final Map<String, EvolutionProposal> proposals = new LinkedHashMap<>();
    private final Map<String, PullRequests.Review> openReviews = new LinkedHashMap<>();

    @Inject
    public ProposalLedger(ProposalPublisher publisher, Clock clock) {
        this.publisher = publisher;
        this.clock = clock;
    }

    /** Every proposal, oldest first. */
    public synchronized List<EvolutionProposal> all() {
        return List.copyOf(proposals.values());
    }

    /** One proposal. */
    public synchronized Optional<EvolutionProposal> get(String id) {
        return Optional.ofNullable(proposals.get(id));
    }

    /** One proposal, which must exist. */
    public EvolutionProposal find(String id) {
        return get(id).orElseThrow(() -> new NoSuchElementException("no proposal " + id));
    }

    /** The open review of a proposal, if it has one. */
    public synchronized Optional<PullRequests.Review> review(String id) {
        return Optional.ofNullable(openReviews.get(id));
    }

    /** Keeps and publishes a new proposal made from {@code draft}, stamped now; returns it. */
    public EvolutionProposal record(Draft draft, ProposalStatus status, String branch, String commit,
            PullRequests.Review review, Map<String, String> evidence) {
        if (review != null) {
            synchronized (this) {
                openReviews.put(draft.id(), review);
            }
        }
        return record(new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, draft.id(), draft.agent(), draft.kind(),
                status, draft.summary(), draft.baseVersion(), branch, commit, review == null ? null : review.url(),
                evidence, clock.instant()));
    }

    /** Keeps and publishes {@code p}'s new status with {@code evidence}, stamped now; returns it. */
    public EvolutionProposal record(EvolutionProposal p, ProposalStatus status, Map<String, String> evidence) {
        if (status != ProposalStatus.OPENED) {
            synchronized (this) {
                openReviews.remove(p.proposalId());
            }
        }
        return record(new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, p.proposalId(), p.agent(), p.kind(),
                status, p.summary(), p.baseConfigVersion(), p.branch(), p.commit(), p.reviewUrl(), evidence,
                clock.instant()));
    }

    private EvolutionProposal record(EvolutionProposal p) {
        synchronized (this) {
            proposals.put(p.proposalId(), p);
        }
        LOG.infof("Proposal %s %s: %s", p.proposalId(), p.status(), p.summary());
        try {
            publisher.publish(p).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The status holds in git and here; the topic is the audit trail, so say loudly that it missed one.
            LOG.errorf("Proposal %s %s not published on the proposals topic: %s", p.proposalId(), p.status(), e);
        }
        return p;
    }

    /**
     * Takes a proposal event from the topic's history (a previous run's) when it is newer than what is known;
     * nothing is published.
     */
    public synchronized void restore(EvolutionProposal p) {
        EvolutionProposal known = proposals.get(p.proposalId());
        if (known != null && !p.occurredAt().isAfter(known.occurredAt())) {
            return;
        }
        proposals.put(p.proposalId(), p);
        if (p.status() == ProposalStatus.OPENED && p.reviewUrl() != null && p.reviewUrl().matches(".*/pull/\\d+")) {
            String url = p.reviewUrl();
            openReviews.put(p.proposalId(), new PullRequests.Review(url,
                    Integer.parseInt(url.substring(url.lastIndexOf('/') + 1))));
        } else if (p.status() != ProposalStatus.OPENED) {
            openReviews.remove(p.proposalId());
        }
    }
}
