package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.config.ConfigTree;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committing off (as in Kubernetes): drafts are still replayed, on the config directory the services read. */
class DraftsOnlyTest {

    @TempDir
    Path tmp;

    @Test
    void draftsAreReplayedAndRefusedWithoutARepository() throws Exception {
        Path config = tmp.resolve("config");
        ConfigTree.copy(Path.of("..", "config"), config);
        try (ProposalWiring wiring = new ProposalWiring(Map.of(
                "patinox.evolution.commit", "false",
                "patinox.evolution.config-dir", config.toString()))) {
            ProposalService service = wiring.service;
            List<EvolutionProposal> published = wiring.published;
            String agent = Files.readString(config.resolve("agents/support.yaml"));
            EvolutionProposal neutral = service.submit(new Draft("n", "manual", "support", null, "neutral",
                    Map.of("agents/support.yaml", agent.replace("maxSteps: 8", "maxSteps: 7")), Map.of())).orElseThrow();
            assertThat(neutral.status()).isEqualTo(ProposalStatus.DRAFTED);
            assertThat(neutral.evidence()).containsEntry("replayResult", "passed");

            String policy = Files.readString(config.resolve("policies/default.yaml"));
            String weakened = policy.replaceAll("(?s)      denyInput:.*?      deny:", "      deny:")
                    .replaceAll("(?s)  - type: injection-classifier.*?(?=  - type: pii)", "");
            EvolutionProposal refused = service.submit(new Draft("w", "manual", "support", null, "weaker",
                    Map.of("policies/default.yaml", weakened), Map.of())).orElseThrow();
            assertThat(refused.status()).isEqualTo(ProposalStatus.REJECTED);
            assertThat(refused.evidence().get("replayFlips")).contains("block -> allow");
            assertThat(Files.readString(config.resolve("policies/default.yaml"))).as("config dir untouched")
                    .isEqualTo(policy);
            assertThat(published).extracting(EvolutionProposal::status)
                    .containsExactly(ProposalStatus.DRAFTED, ProposalStatus.REJECTED);
        }
    }
}
