package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A merged proposal is judged once its config version has enough steps; a regression drafts its revert. */
class OutcomeJudgeTest {

    @TempDir
    Path tmp;

    private static TelemetryAggregate total(String version, long steps, long errors) {
        return new TelemetryAggregate(TelemetryAggregate.SCHEMA_VERSION,
                "agent=support|version=" + version + "|window=total", "support", version, null, null,
                TelemetryAggregate.TOTAL, null, null, steps, steps, Map.of("allow", steps), Map.of(), errors, 0, 0,
                Map.of(), Usage.NONE, List.of(), Instant.now());
    }

    @Test
    void judgesTheMergedVersionAgainstThePreviousOneAndDraftsTheRevertOfARegression() {
        try (ProposalWiring wiring = new ProposalWiring(Map.of("patinox.evolution.commit", "false",
                "patinox.evolution.config-dir", tmp.toString(), "patinox.evolution.outcome.min-steps", "20"))) {
            ProposalLedger ledger = wiring.ledger;
            EvolutionProposal merged = ledger.record(new Draft("k", "manual", "support", "old", "Fewer steps",
                    Map.of(), Map.of()), ProposalStatus.MERGED, "patinox/proposal-x", "new", null,
                    Map.of("previousConfigVersion", "old", "mergedConfigVersion", "new"));
            wiring.view.update(total("old", 40, 0));

            assertThat(wiring.outcomes.judge(total("new", 10, 5))).as("too few steps yet").isEmpty();
            assertThat(wiring.outcomes.judge(total("other", 30, 9))).as("another version").isEmpty();
            List<EvolutionProposal> judged = wiring.outcomes.judge(total("new", 30, 9));
            assertThat(judged).singleElement().satisfies(p -> {
                assertThat(p.status()).isEqualTo(ProposalStatus.REGRESSED);
                assertThat(p.evidence().get("outcome")).startsWith("REGRESSED: failureRate 0.000 (40 steps) -> 0.300");
            });

            Draft revert = OutcomeJudge.revertOf(judged.get(0), Map.of("agents/support.yaml", "maxSteps: 8\n"));
            assertThat(revert.kind()).isEqualTo(OutcomeJudge.REVERT);
            assertThat(revert.baseVersion()).isEqualTo("new");
            assertThat(revert.evidence()).containsEntry("reverts", merged.proposalId());
            assertThat(revert.evidence().get("regression")).startsWith("REGRESSED");
        }
    }
}
