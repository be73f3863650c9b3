package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Evolution end to end on the running mesh: traffic with a planted problem (an agent whose step deadline is
 * far too short, so every step fails closed) → the analyzer's aggregate → a {@code raise-deadline} proposal,
 * replayed through the validator chain → a branch and commit in the config repository with a local review
 * record → approved over REST → the executor reloads the merged commit → the next aggregates show the effect
 * and the proposal is marked improved → reverted, which restores the planted behaviour under a third commit.
 */
@Order(5)
class EvolutionIT extends OnSharedMesh {

    private static final String AGENT = "hurried";
    private final EvolutionApi evolution = new EvolutionApi(mesh);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void aPlantedProblemBecomesAReplayedMergedImprovedAndRevertedProposal() throws Exception {
        Path agentFile = mesh.configRepo.resolve("agents").resolve(AGENT + ".yaml");
        String support = Files.readString(mesh.configRepo.resolve("agents/support.yaml"));
        String planted = support.replaceFirst("(?m)^name: .*$", "name: " + AGENT)
                .replaceFirst("(?m)^stepDeadline: .*$", "stepDeadline: 1");
        assertThat(planted).contains("stepDeadline: 1\n");
        Files.writeString(agentFile, planted);
        String plantedVersion = mesh.commit("Add agent hurried");

        // Traffic under the planted config: every step misses its 1 ms deadline and fails closed.
        List<RunResult> before = runUntil(plantedVersion, 12);
        assertThat(before).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.BLOCKED));

        EvolutionProposal opened = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> evolution.proposals().stream()
                        .filter(p -> p.agent().equals(AGENT) && p.kind().equals("raise-deadline")
                                && p.status() == ProposalStatus.OPENED)
                        .findFirst(), Optional::isPresent)
                .get();
        assertThat(opened.baseConfigVersion()).isEqualTo(plantedVersion);
        assertThat(opened.evidence().get("replayResult")).isEqualTo("passed");
        assertThat(opened.branch()).isEqualTo("patinox/proposal-" + opened.proposalId());
        assertThat(opened.reviewUrl()).isNotBlank();
        assertThat(mesh.git("branch", "--list", opened.branch())).contains(opened.branch());
        assertThat(mesh.git("log", "-1", "--format=%B", opened.branch())).contains("replay");
        JsonNode shown = Json.mapper().readTree(evolution.get("/proposals/" + opened.proposalId()));
        assertThat(shown.path("diff").asText()).contains("stepDeadline");

        String mergedVersion = evolution.approve(opened);
        assertThat(Files.readString(agentFile)).doesNotContain("stepDeadline: 1\n").contains("stepDeadline");

        // The executor reloads the merged commit: its runs are stamped with it, and now complete.
        List<RunResult> after = runUntil(mergedVersion, 8);
        assertThat(after).allSatisfy(r -> assertThat(r.status()).as(r.reason()).isEqualTo(RunStatus.COMPLETED));
        EvolutionProposal improved = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                .until(() -> evolution.proposal(opened.proposalId()), p -> p.status() == ProposalStatus.IMPROVED);
        assertThat(improved.evidence()).containsKey("outcome");
        assertThat(evolution.events(opened.proposalId())).extracting(EvolutionProposal::status)
                .contains(ProposalStatus.OPENED, ProposalStatus.MERGED, ProposalStatus.IMPROVED);

        EvolutionProposal reverted = Json.decode(evolution.post("/proposals/" + opened.proposalId() + "/revert"),
                EvolutionProposal.class);
        assertThat(reverted.status()).isEqualTo(ProposalStatus.REVERTED);
        String revertVersion = reverted.evidence().get("configVersionAfterRevert");
        assertThat(reverted.evidence()).containsEntry("revertedConfigVersion", mergedVersion);
        assertThat(mesh.git("rev-parse", "HEAD")).isEqualTo(revertVersion);
        assertThat(Files.readString(agentFile)).isEqualTo(planted);
        // The previous behaviour is back, under the revert's commit.
        assertThat(runUntil(revertVersion, 2)).allSatisfy(r -> assertThat(r.status()).isEqualTo(RunStatus.BLOCKED));
    }

    private List<RunResult> runUntil(String version, int count) {
        return evolution.runUntil(AGENT, "What is 17 * 23?", version, count);
    }
}
