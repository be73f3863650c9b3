package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.patinox.contracts.config.ConfigTree;
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
import io.patinox.contracts.verdict.Verdict;
import io.patinox.evolution.ai.ScriptedInstructionDrafter;
import io.patinox.testkit.GitHubServer;
import io.patinox.testkit.OpenAiServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The drafting model against a local server answering like OpenAI's API (real HTTP), on a real config remote (a
 * bare repository seeded with the project's sample agent, policies, model and corpora): a useful draft is replayed
 * and opened with the evidence table in its commit and pull request; a draft that is not a patch, or touches a
 * field it may not, is refused with the reason; a draft that would let a known attack through is refused by the
 * replay; a model that times out leaves the rule-based draft in its place, saying so.
 */
class ModelDraftedProposalTest {

    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String TRACEPARENT = "00-" + TRACE + "-00f067aa0ba902b7-01";
    private static final String REASON = "answer contains an e-mail address";

    @TempDir
    Path tmp;

    private Path remote;
    private OpenAiServer model;
    private GitHubServer github;

    @BeforeEach
    void seed() throws Exception {
        remote = tmp.resolve("remote.git");
        Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
        Path dev = tmp.resolve("dev");
        try (Git git = Git.init().setDirectory(dev.toFile()).setInitialBranch("main").call()) {
            Path config = dev.resolve("config");
            for (String dir : new String[] { "agents", "policies", "models", "corpus" }) {
                ConfigTree.copy(Path.of("..", "config", dir), config.resolve(dir));
            }
            // A policy that would let injections through: no input rules, no classifier.
            String policy = Files.readString(config.resolve("policies/default.yaml"));
            Files.writeString(config.resolve("policies/lenient.yaml"), policy.replace("name: default", "name: lenient")
                    .replaceAll("(?s)      denyInput:.*?      deny:", "      deny:")
                    .replaceAll("(?s)  - type: injection-classifier.*?(?=  - type: pii)", ""));
            git.add().addFilepattern(".").call();
            git.commit().setMessage("seed").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call();
            git.push().setRemote(remote.toString()).add("main").call();
        }
    }

    @AfterEach
    void stop() {
        if (model != null) {
            model.close();
        }
        if (github != null) {
            github.close();
        }
    }

    private ProposalWiring wiring(boolean withModel, SpanExporter spans) {
        Map<String, String> p = new HashMap<>(Map.of(
                "patinox.evolution.config-dir", tmp.resolve("no-checkout").toString(),
                "patinox.evolution.remote", remote.toString(),
                "patinox.evolution.config-path", "config",
                "patinox.evolution.work-dir", tmp.resolve("evolution.git").toString()));
        if (withModel) {
            p.put("patinox.evolution.drafter.base-url", model.baseUrl());
            p.put("patinox.evolution.drafter.model", "drafter-test");
            p.put("patinox.evolution.drafter.api-key", "sk-test");
            p.put("patinox.evolution.drafter.timeout", "PT1S");
        }
        if (github != null) {
            p.put("patinox.evolution.github.token", "ghp_secret");
            p.put("patinox.evolution.github.repository", "acme/config");
            p.put("patinox.evolution.github.api-url", github.apiUrl());
        }
        if (spans == null) {
            return new ProposalWiring(p);
        }
        var provider = SdkTracerProvider.builder().addSpanProcessor(SimpleSpanProcessor.create(spans)).build();
        return new ProposalWiring(p, provider.get("test"));
    }

    /** Four steps of support sent back for the same reason, one cluster; the newest step recorded with its trace. */
    private static TelemetryAggregate retriedCluster(ProposalWiring wiring) {
        for (int i = 1; i <= 4; i++) {
            wiring.recorder.record(new StepEvent(StepEvent.SCHEMA_VERSION, "t" + i, "run-r" + i, 0, "support", "v1",
                    new ModelRef("scripted", "support", true), new Action.FinalAnswer("Write to [email]"),
                    new Verdict.Retry(REASON), VerdictSource.VALIDATOR, List.of(), StepOutcome.RETRIED, null, null,
                    Usage.NONE, 10, 10, 0, Instant.parse("2026-01-01T00:00:00Z")), i == 4 ? TRACEPARENT : null);
        }
        var cluster = new FailureCluster("c-mail", 4, 4, List.of("retried: " + REASON + " | Mail [email] for details",
                "retried: " + REASON + " | Write to [email]"));
        return new TelemetryAggregate(TelemetryAggregate.SCHEMA_VERSION,
                "agent=support|version=v1|window=total|clusters", "support", "v1", null, null, TelemetryAggregate.TOTAL,
                null, null, 0, 12, Map.of(), Map.of(), 1, 0, 0, Map.of(), new Usage(1200, 300, 0.0042),
                List.of(cluster), Instant.parse("2026-01-01T00:00:00Z"));
    }

    private static String patch(String changesJson) {
        return "{\"rationale\":\"Steps were sent back for e-mail addresses.\",\"changes\":" + changesJson + "}";
    }

    private String commitMessage(String commit) throws Exception {
        try (Git git = Git.open(remote.toFile()); RevWalk walk = new RevWalk(git.getRepository())) {
            return walk.parseCommit(git.getRepository().resolve(commit)).getFullMessage();
        }
    }

    private boolean branchExists(String id) throws Exception {
        try (Git git = Git.open(remote.toFile())) {
            return git.getRepository().resolve("refs/heads/" + ConfigRemote.BRANCH_PREFIX + id) != null;
        }
    }

    @Test
    void aUsefulDraftIsReplayedAndOpenedWithTheEvidenceTableInItsCommitAndPullRequest() throws Exception {
        model = OpenAiServer.start(chat -> OpenAiServer.Reply.text(patch("[{\"field\":\"instructions\",\"value\":"
                + "\"You are the customer support assistant of an online shop. Answer briefly and politely.\\n"
                + "Never put e-mail addresses in an answer; point to the contact form instead.\"}]")));
        github = GitHubServer.start("acme/config", 11);
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        try (ProposalWiring wiring = wiring(true, spans)) {
            List<EvolutionProposal> made = wiring.service.consider(retriedCluster(wiring));

            EvolutionProposal p = modelDraft(made);
            assertThat(p.status()).isEqualTo(ProposalStatus.OPENED);
            assertThat(p.evidence()).containsEntry("drafter", "openai/drafter-test at 127.0.0.1:"
                    + model.baseUrl().split(":")[2].replace("/v1", "")).containsEntry("changedFields", "instructions")
                    .containsEntry("replayResult", "passed").containsEntry("clusters", "c-mail (4)")
                    .containsEntry("aggregate", "agent=support|version=v1|window=total|clusters")
                    .containsEntry("traceIds", TRACE);
            assertThat(p.evidence().get("stepIds")).isEqualTo("run-r4#0, run-r3#0, run-r2#0, run-r1#0");
            assertThat(made).noneMatch(m -> m.kind().equals("revise-instructions"));

            // What the model was asked: the agent's file, the cluster with the verdicts' reasons, a JSON schema.
            OpenAiServer.Chat asked = model.requests().get(0);
            assertThat(asked.model()).isEqualTo("drafter-test");
            assertThat(asked.user()).contains("name: support").contains("cluster c-mail, 4 steps")
                    .contains("retried: " + REASON).contains("Policies available: default, lenient, llm, refunds, strict");
            assertThat(asked.body().path("response_format").path("type").asText()).isEqualTo("json_schema");
            assertThat(asked.body().path("response_format").path("json_schema").path("schema").path("properties")
                    .has("changes")).isTrue();

            String message = commitMessage(p.commit());
            assertThat(message).contains("| replay under policy default | known attacks | known-good steps |")
                    .contains("| let through / blocked (refuses) | 0 | 0 |")
                    .contains("Measured: 12 steps at config version v1: 1 errors, 0 timeouts; 1200 input + 300 output "
                            + "tokens, cost 0.0042 USD")
                    .contains("drafter: openai/drafter-test").contains("traceIds: " + TRACE);
            assertThat(github.calls()).hasSize(1);
            assertThat(github.calls().get(0).body().path("body").asText()).isEqualTo(message);
            try (Git git = Git.open(remote.toFile())) {
                var repo = git.getRepository();
                assertThat(repo.resolve("refs/heads/" + p.branch()).name()).isEqualTo(p.commit());
            }
            assertThat(wiring.service.diff(p.proposalId()).orElseThrow())
                    .contains("+  Never put e-mail addresses in an answer; point to the contact form instead.")
                    .doesNotContain("-tools:");

            // The proposal's span links to the trace of the step it names.
            SpanData span = spans.getFinishedSpanItems().stream().filter(s -> s.getName().equals(ProposalSpans.NAME)
                    && p.proposalId().equals(s.getAttributes().get(ProposalSpans.ID))).findFirst().orElseThrow();
            assertThat(span.getAttributes().get(ProposalSpans.STATUS)).isEqualTo("OPENED");
            assertThat(span.getLinks()).extracting(l -> l.getSpanContext().getTraceId()).containsExactly(TRACE);

            // The same facts do not ask the model again.
            assertThat(wiring.service.consider(retriedCluster(wiring))).isEmpty();
            assertThat(model.requests()).hasSize(1);
        }
    }

    @Test
    void aDraftThatIsNotAPatchIsRefusedWithTheReasonAndNeverCommitted() throws Exception {
        model = OpenAiServer.start(chat -> OpenAiServer.Reply.text("I would tell the agent to be more careful."));
        try (ProposalWiring wiring = wiring(true, null)) {
            EvolutionProposal p = modelDraft(wiring.service.consider(retriedCluster(wiring)));
            assertThat(p.status()).isEqualTo(ProposalStatus.REJECTED);
            assertThat(p.evidence().get("refused")).startsWith("the model's answer is not an agent patch");
            assertThat(p.evidence()).doesNotContainKey("replayResult").containsEntry("stepIds",
                    "run-r4#0, run-r3#0, run-r2#0, run-r1#0");
            assertThat(p.branch()).isNull();
            assertThat(branchExists(p.proposalId())).isFalse();
            assertThat(wiring.published).extracting(EvolutionProposal::status).containsExactly(ProposalStatus.REJECTED);
        }
    }

    @Test
    void aDraftThatTouchesAFieldItMayNotIsRefusedWithTheReason() throws Exception {
        EvolutionProposal p = refusedDraft(patch("[{\"field\":\"model\",\"value\":\"openai/gpt-4o\"}]"));
        assertThat(p.evidence().get("refused")).isEqualTo("the patch touches field 'model', which a drafted "
                + "change may not (allowed: instructions, tools, policy)");
    }

    @Test
    void aDraftThatWouldLetAKnownAttackThroughIsRefusedByTheReplay() throws Exception {
        EvolutionProposal p = refusedDraft(patch("[{\"field\":\"policy\",\"value\":\"lenient\"}]"));
        assertThat(p.evidence()).containsEntry("changedFields", "policy");
        assertThat(p.evidence().get("replayResult")).startsWith("refused: it would let");
        assertThat(p.evidence().get("replayFlips")).contains("attack corpus/injection/").contains("block -> allow");
        assertThat(p.evidence().get("replayTable")).contains("| replay under policy lenient |");
    }

    @Test
    void aModelThatTimesOutLeavesTheRuleBasedDraftInItsPlaceAndSaysSo() throws Exception {
        model = OpenAiServer.start(chat -> OpenAiServer.Reply.text(patch("[]")).after(Duration.ofSeconds(3)));
        try (ProposalWiring wiring = wiring(true, null)) {
            List<EvolutionProposal> made = wiring.service.consider(retriedCluster(wiring));
            assertThat(made).hasSize(1);
            EvolutionProposal p = made.get(0);
            assertThat(p.status()).isEqualTo(ProposalStatus.OPENED);
            assertThat(p.kind()).isEqualTo("revise-instructions");
            assertThat(p.evidence()).containsEntry("drafter", ScriptedInstructionDrafter.NAME);
            assertThat(p.evidence().get("modelDrafter")).startsWith("openai/drafter-test at 127.0.0.1:")
                    .contains("failed: the model did not answer in time").endsWith("the rule-based draft is used");
            assertThat(commitMessage(p.commit())).contains("modelDrafter: openai/drafter-test")
                    .contains("Validators sent steps back for: " + REASON);

            // The same facts do not wait for the failing model again.
            assertThat(wiring.service.consider(retriedCluster(wiring))).isEmpty();
            assertThat(model.requests()).hasSize(1);
        }
    }

    @Test
    void withoutAModelTheRuleBasedDraftersRunAloneAndSaySo() throws Exception {
        try (ProposalWiring wiring = wiring(false, null)) {
            EvolutionProposal p = wiring.service.consider(retriedCluster(wiring)).get(0);
            assertThat(p.kind()).isEqualTo("revise-instructions");
            assertThat(p.status()).isEqualTo(ProposalStatus.OPENED);
            assertThat(p.evidence().get("drafter")).isEqualTo(ScriptedInstructionDrafter.NAME + "; "
                    + ModelDrafts.NO_MODEL);
        }
    }

    /** The model's draft among the proposals made. */
    private static EvolutionProposal modelDraft(List<EvolutionProposal> made) {
        return made.stream().filter(m -> m.kind().equals(ModelDrafts.KIND)).findFirst().orElseThrow();
    }

    /** The model answers {@code answer}; its draft is refused, and never committed. */
    private EvolutionProposal refusedDraft(String answer) throws Exception {
        model = OpenAiServer.start(chat -> OpenAiServer.Reply.text(answer));
        try (ProposalWiring wiring = wiring(true, null)) {
            EvolutionProposal p = modelDraft(wiring.service.consider(retriedCluster(wiring)));
            assertThat(p.status()).isEqualTo(ProposalStatus.REJECTED);
            assertThat(p.branch()).isNull();
            assertThat(branchExists(p.proposalId())).isFalse();
            return p;
        }
    }
}
