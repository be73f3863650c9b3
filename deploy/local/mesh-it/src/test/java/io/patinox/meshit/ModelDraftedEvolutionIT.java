package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Evolution with a drafting model, end to end on the running mesh: an agent that lacks the calculator answers a sum
 * without working it out, so the groundedness judge (the validator's LLM judge) sends every answer back until its
 * retries run out → the analyzer clusters the retried steps → the evolution service asks its drafting model (the
 * only fake: a server answering like OpenAI's API) for a patch, which gives the agent the calculator → checked,
 * replayed through the validator chain and committed on a branch whose commit message carries the replay's evidence
 * table → approved over REST and merged → the executor runs the merged commit, and the agent now calls the calculator
 * and completes.
 */
@Order(6)
class ModelDraftedEvolutionIT extends OnSharedMesh {

    private static final String AGENT = "unsourced";
    private static final String TASK = "What is 17 * 23? " + RunningMesh.FROM_A_TOOL;
    private static final String RATIONALE = "Its answers give a figure no tool worked out: the calculator it calls is "
            + "not among its tools.";
    /** The drafting model's answer about the agent: an {@code AgentPatch} that gives it the calculator. */
    private static final String PATCH = Json.mapper().createObjectNode().put("rationale", RATIONALE)
            .set("changes", Json.mapper().createArrayNode().add(Json.mapper().createObjectNode().put("field", "tools")
                    .set("values", Json.mapper().createArrayNode().add("calculator").add("clock").add("refund"))))
            .toString();

    /**
     * The agent's model: it calls the calculator, then answers with the figure whatever the call gave (so the texts of
     * the failed call and of the answers sent back differ, and cluster apart).
     */
    private static final String SCRIPT = """
            {"match": "17 [*] 23", "turns": [{"action": {"type": "tool_call", "tool": "calculator", \
            "arguments": {"expression": "17 * 23"}}, "inputTokens": 182, "outputTokens": 21}, {"action": {"type": \
            "final_answer", "answer": "17 × 23 = 391."}, "inputTokens": 215, "outputTokens": 12}]}
            """;

    private final EvolutionApi evolution = new EvolutionApi(mesh);

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void retriedRunsGiveAModelDraftedProposalWhoseMergeChangesTheAgentsRuns() throws Exception {
        mesh.draftFor(AGENT, PATCH);
        Path agentFile = mesh.configRepo.resolve("agents").resolve(AGENT + ".yaml");
        String support = Files.readString(mesh.configRepo.resolve("agents/support.yaml"));
        String planted = support.replaceFirst("(?m)^name: .*$", "name: " + AGENT)
                .replaceFirst("(?m)^model: .*$", "model: scripted/" + AGENT)
                .replaceFirst("(?m)^policy: .*$", "policy: llm")
                .replaceFirst("(?m)^stepDeadline: .*$", "stepDeadline: 20s")
                .replaceFirst("(?m)^  - calculator\n", "");
        assertThat(planted).contains("tools:\n  - clock\n").contains("policy: llm\n")
                .contains("model: scripted/" + AGENT + "\n");
        Files.writeString(agentFile, planted);
        Files.writeString(mesh.configRepo.resolve("scripts").resolve(AGENT + ".jsonl"), SCRIPT);
        String plantedVersion = mesh.commit("Add agent unsourced");

        // Traffic under the planted config: the calculator call fails, the answer that follows is sent back until the
        // agent's retries run out.
        List<RunResult> before = evolution.runUntil(AGENT, TASK, plantedVersion, 4);
        assertThat(before).allSatisfy(r -> {
            assertThat(r.status()).as(r.reason()).isEqualTo(RunStatus.BUDGET_EXCEEDED);
            assertThat(r.reason()).contains("retry budget exhausted").contains(RunningMesh.JUDGE_FEEDBACK);
        });
        List<StepEvent> failing = steps(before.get(0), 4);
        assertThat(failing).anySatisfy(s -> {
            assertThat(s.outcome()).isEqualTo(StepOutcome.FAILED);
            assertThat(s.error()).contains("tool 'calculator' is not allowed");
        });
        assertThat(failing).filteredOn(s -> s.outcome() == StepOutcome.RETRIED).hasSize(3)
                .allSatisfy(s -> assertThat(s.verdict()).isInstanceOf(Verdict.Retry.class));

        EvolutionProposal opened;
        try {
            opened = await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2))
                    .until(() -> evolution.proposals().stream().filter(p -> p.agent().equals(AGENT)
                            && p.kind().equals("revise-agent")).findFirst(), Optional::isPresent)
                    .get();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no model-drafted proposal for " + AGENT + "; evolution's aggregates of it:\n"
                    + evolution.get("/aggregates?agent=" + AGENT) + "\nproposals: " + evolution.get("/proposals")
                    + "\nevolution log:\n" + mesh.logTail("evolution") + "\nanalyzer log:\n" + mesh.logTail("analyzer"), e);
        }
        // Drafted by the model, checked and replayed, then opened.
        assertThat(opened.status()).as(String.valueOf(opened.evidence())).isEqualTo(ProposalStatus.OPENED);
        assertThat(opened.baseConfigVersion()).isEqualTo(plantedVersion);
        assertThat(opened.evidence().get("drafter")).startsWith("openai/" + RunningMesh.DRAFTER_MODEL + " at 127.0.0.1:");
        assertThat(opened.evidence()).containsEntry("rationale", RATIONALE).containsEntry("changedFields", "tools")
                .containsEntry("replayResult", "passed").doesNotContainKey("modelDrafter").doesNotContainKey("refused");
        assertThat(opened.evidence().get("clusters")).isNotBlank();
        assertThat(mesh.drafter.requests()).anySatisfy(chat -> assertThat(chat.user())
                .startsWith("Agent '" + AGENT + "'").contains("retried: ").contains(RunningMesh.JUDGE_FEEDBACK));

        // The branch's commit carries the replay's evidence table.
        assertThat(opened.branch()).isEqualTo("patinox/proposal-" + opened.proposalId());
        assertThat(mesh.git("rev-parse", opened.branch())).isEqualTo(opened.commit());
        String table = opened.evidence().get("replayTable");
        assertThat(table).startsWith("| replay under policy llm | known attacks | known-good steps |");
        assertThat(mesh.git("log", "-1", "--format=%B", opened.branch()))
                .contains("Replay evidence (config in force against proposed):\n\n" + table)
                .contains("drafter: " + opened.evidence().get("drafter"));
        JsonNode shown = Json.mapper().readTree(evolution.get("/proposals/" + opened.proposalId()));
        assertThat(shown.path("diff").asText()).contains("+  - calculator");

        String mergedVersion = evolution.approve(opened);
        assertThat(Files.readString(agentFile)).contains("tools:\n  - calculator\n  - clock\n  - refund\n");
        assertThat(evolution.events(opened.proposalId())).extracting(EvolutionProposal::status)
                .contains(ProposalStatus.OPENED, ProposalStatus.MERGED);

        // The executor reloads the merged commit: the agent's runs are stamped with it, call the calculator and pass.
        List<RunResult> after = evolution.runUntil(AGENT, TASK, mergedVersion, 4);
        assertThat(after).allSatisfy(r -> {
            assertThat(r.status()).as(r.reason()).isEqualTo(RunStatus.COMPLETED);
            assertThat(r.answer()).contains("391");
        });
        List<StepEvent> passing = steps(after.get(0), 2);
        assertThat(passing).allSatisfy(s -> assertThat(s.configVersion()).isEqualTo(mergedVersion));
        assertThat(passing).extracting(StepEvent::outcome).containsExactly(StepOutcome.EXECUTED, StepOutcome.EXECUTED);
        assertThat(passing.get(0).action()).isInstanceOfSatisfying(Action.ToolCall.class,
                call -> assertThat(call.tool()).isEqualTo("calculator"));
        assertThat(passing.get(0).output()).contains("391");
    }

    /** The steps of a run, in order, once there are {@code count}. */
    private List<StepEvent> steps(RunResult run, int count) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> mesh.kafka.readAll(Topics.STEPS,
                r -> run.runId().equals(r.key())).stream().map(r -> Json.decode(r.value(), StepEvent.class))
                .sorted(Comparator.comparing(StepEvent::occurredAt)).toList(), l -> l.size() >= count);
    }
}
