package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.evolution.ConfigRepoResource;
import io.patinox.evolution.config.EvolutionConfig;
import io.patinox.evolution.messaging.ProposalPublisher;
import io.patinox.evolution.replay.StepRecorder;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Committing off (as in Kubernetes): drafts are still replayed, on the config directory the services read. */
class DraftsOnlyTest {

    @TempDir
    Path tmp;

    @Test
    void draftsAreReplayedAndRefusedWithoutARepository() throws Exception {
        Path config = tmp.resolve("config");
        ConfigRepoResource.copyTree(Path.of("..", "config"), config);
        EvolutionConfig evolution = new SmallRyeConfigBuilder().withMapping(EvolutionConfig.class)
                .withSources(new PropertiesConfigSource(Map.of(
                        "patinox.evolution.replay.default-timeout", "PT0.2S",
                        "patinox.evolution.commit", "false",
                        "patinox.evolution.config-dir", config.toString()), "test", 500))
                .build().getConfigMapping(EvolutionConfig.class);
        List<EvolutionProposal> published = new CopyOnWriteArrayList<>();
        ProposalService service = new ProposalService();
        service.config = evolution;
        service.recorder = new StepRecorder(evolution);
        service.view = new AggregateView();
        service.view.config = evolution;
        service.publisher = new ProposalPublisher() {
            @Override
            public CompletionStage<Void> publish(EvolutionProposal proposal) {
                published.add(proposal);
                return CompletableFuture.completedFuture(null);
            }
        };
        try {
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
        } finally {
            service.close();
        }
    }
}
