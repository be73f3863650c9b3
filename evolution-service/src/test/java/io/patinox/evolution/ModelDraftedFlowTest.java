package io.patinox.evolution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.FailureCluster;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.evolution.replay.StepRecorder;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;

/**
 * The service as deployed, with a drafting model configured: steps sent back by the validator arrive on
 * {@code patinox.steps} with their traces, their cluster on {@code patinox.aggregates}; the model's patch is
 * replayed and opened on a branch of the config repository whose commit carries the evidence table and names the
 * steps and traces behind it; approved, it is merged and the agent's file the services read changes.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(ConfigRepoResource.class)
@QuarkusTestResource(DraftingModelResource.class)
class ModelDraftedFlowTest {

    private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";

    @Inject
    StepRecorder recorder;

    @Test
    void retriedStepsGiveAModelDraftedProposalOpenedWithItsEvidenceAndTraces() throws Exception {
        String agent = ConfigRepoResource.CALM_AGENT;
        String version = "v-drafted";
        var kafka = TestKafka.shared();
        int before = recorder.size(agent);
        for (int i = 0; i < 4; i++) {
            var step = new StepEvent(StepEvent.SCHEMA_VERSION, "t-d" + i, "run-d" + i, 0, agent, version,
                    new ModelRef("scripted", "support", true), new Action.FinalAnswer("Write to [email]"),
                    new Verdict.Retry("answer contains an e-mail address"), VerdictSource.VALIDATOR, List.of(),
                    StepOutcome.RETRIED, null, null, Usage.NONE, 10, 10, 0, Instant.now());
            kafka.send(TestKafka.record(Topics.STEPS, step.runId(), step,
                    Map.of("traceparent", "00-" + TRACE + "-00f067aa0ba902b" + i + "-01")));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> recorder.size(agent) >= before + 4);

        var cluster = new FailureCluster("c-drafted", 4, 4, List.of(
                "retried: answer contains an e-mail address | Write to [email]"));
        var aggregate = new TelemetryAggregate(TelemetryAggregate.SCHEMA_VERSION,
                "agent=" + agent + "|version=" + version + "|window=total|clusters", agent, version, null, null,
                TelemetryAggregate.TOTAL, null, null, 0, 4, Map.of(), Map.of(), 0, 0, 0, Map.of(), Usage.NONE,
                List.of(cluster), Instant.now());
        EvolutionProposal p;
        try (var topic = kafka.follow(Topics.PROPOSALS)) {
            kafka.send(Topics.AGGREGATES, aggregate.subject(), aggregate);
            await().atMost(Duration.ofSeconds(90)).until(() -> {
                topic.poll();
                return TestKafka.decode(topic.records(), EvolutionProposal.class).stream()
                        .anyMatch(e -> e.agent().equals(agent) && e.kind().equals("revise-agent"));
            });
            p = TestKafka.decode(topic.records(), EvolutionProposal.class).stream()
                    .filter(e -> e.agent().equals(agent) && e.kind().equals("revise-agent")).findFirst().orElseThrow();
            assertThat(p.status()).isEqualTo(ProposalStatus.OPENED);
            assertThat(p.evidence()).containsEntry("traceIds", TRACE).containsEntry("replayResult", "passed")
                    .containsEntry("clusters", "c-drafted (4)");
            assertThat(p.evidence().get("drafter")).startsWith("openai/drafter-it at 127.0.0.1:");
            assertThat(p.evidence().get("stepIds")).contains("run-d3#0").contains("run-d0#0");
            try (Git git = Git.open(ConfigRepoResource.root.toFile()); RevWalk walk = new RevWalk(git.getRepository())) {
                String message = walk.parseCommit(git.getRepository().resolve(p.commit())).getFullMessage();
                assertThat(message).contains("| replay under policy default | known attacks | known-good steps |")
                        .contains("traceIds: " + TRACE);
            }
        }
        assertThat(DraftingModelResource.server.requests()).anyMatch(c -> c.user().contains("Agent '" + agent + "'"));

        // Approved, it is merged: the file the services read holds the drafted instructions.
        EvolutionProposal merged = Json.decode(given().post("/proposals/" + p.proposalId() + "/approve").then()
                .statusCode(200).extract().asString(), EvolutionProposal.class);
        assertThat(merged.status()).isEqualTo(ProposalStatus.MERGED);
        assertThat(Files.readString(ConfigRepoResource.root.resolve("config/agents/" + agent + ".yaml")))
                .contains("instructions: |\n  Answer briefly.\n  " + DraftingModelResource.ADDED + "\n")
                .contains("policy: default");
    }
}
