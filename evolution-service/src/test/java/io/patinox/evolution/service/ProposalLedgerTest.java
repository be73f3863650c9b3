package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.evolution.messaging.ProposalPublisher;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The proposals' latest statuses: what is recorded is published, what the topic held is restored, reviews follow. */
class ProposalLedgerTest {

    private static final Instant NOW = Instant.parse("2026-11-25T17:00:00Z");

    private final List<EvolutionProposal> published = new CopyOnWriteArrayList<>();
    private final ProposalLedger ledger = new ProposalLedger(new ProposalPublisher() {
        @Override
        public CompletionStage<Void> publish(EvolutionProposal proposal) {
            published.add(proposal);
            return CompletableFuture.completedFuture(null);
        }
    }, Clock.fixed(NOW, ZoneOffset.UTC));

    private static EvolutionProposal event(String id, ProposalStatus status, String reviewUrl, Instant at) {
        return new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, id, "support", "raise-deadline", status,
                "Raise the deadline", "c0ffee", "patinox/proposal-" + id, "beef", reviewUrl, Map.of(), at);
    }

    @Test
    void aRecordedStatusIsKeptStampedAndPublishedAndAClosedReviewIsForgotten() {
        Draft draft = new Draft("k", "raise-deadline", "support", "c0ffee", "Raise the deadline", Map.of(), Map.of());
        var review = new PullRequests.Review("https://github.com/acme/config/pull/7", 7);
        EvolutionProposal opened = ledger.record(draft, ProposalStatus.OPENED, "patinox/proposal-" + draft.id(), "beef",
                review, Map.of("replayResult", "passed"));
        assertThat(opened.proposalId()).isEqualTo(draft.id());
        assertThat(opened.reviewUrl()).isEqualTo(review.url());
        assertThat(opened.occurredAt()).isEqualTo(NOW);
        assertThat(ledger.review(draft.id())).contains(review);

        EvolutionProposal merged = ledger.record(opened, ProposalStatus.MERGED, Map.of("mergedConfigVersion", "beef"));
        assertThat(ledger.find(draft.id())).isEqualTo(merged);
        assertThat(ledger.review(draft.id())).isEmpty();
        assertThat(published).extracting(EvolutionProposal::status)
                .containsExactly(ProposalStatus.OPENED, ProposalStatus.MERGED);
        assertThatThrownBy(() -> ledger.find("nope")).isInstanceOf(NoSuchElementException.class)
                .hasMessage("no proposal nope");
    }

    @Test
    void theTopicsHistoryIsTakenWhenNewerWithItsPullRequestAndNothingIsPublished() {
        Instant earlier = NOW.minusSeconds(60);
        ledger.restore(event("a1", ProposalStatus.OPENED, "https://github.com/acme/config/pull/12", earlier));
        assertThat(ledger.review("a1")).contains(new PullRequests.Review("https://github.com/acme/config/pull/12", 12));

        ledger.restore(event("a1", ProposalStatus.REJECTED, null, earlier.minusSeconds(1)));
        assertThat(ledger.find("a1").status()).as("an older event changes nothing").isEqualTo(ProposalStatus.OPENED);

        ledger.restore(event("a1", ProposalStatus.MERGED, null, NOW));
        assertThat(ledger.find("a1").status()).isEqualTo(ProposalStatus.MERGED);
        assertThat(ledger.review("a1")).isEmpty();
        ledger.restore(event("b2", ProposalStatus.OPENED, "local:/r#patinox/proposal-b2", NOW));
        assertThat(ledger.review("b2")).as("a local record is no pull request").isEmpty();
        assertThat(ledger.all()).extracting(EvolutionProposal::proposalId).containsExactly("a1", "b2");
        assertThat(published).isEmpty();
    }
}
