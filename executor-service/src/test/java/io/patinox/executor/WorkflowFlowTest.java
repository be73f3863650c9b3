package io.patinox.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ReviewRequest;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.executor.service.RunCheckpoint;
import io.patinox.executor.service.RunJournal;
import io.patinox.executor.tools.BuiltInTools;
import io.patinox.executor.tools.ToolExecutions;
import io.patinox.executor.tools.ToolRegistry;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Workflows and human review through the real broker, with the test playing the validator. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class WorkflowFlowTest extends FlowTest {

    @Inject
    ToolExecutions executions;
    @Inject
    RunJournal journal;
    @Inject
    ToolRegistry tools;

    static String refundInput(int amount, String reason) {
        return "{\"orderId\":\"A-7\",\"amount\":" + amount + ",\"reason\":\"" + reason + "\"}";
    }

    static String submit(String label, String workflow, String input) {
        String taskId = label + "-" + UUID.randomUUID();
        KAFKA.send(Topics.TASKS, taskId,
                new TaskSubmitted(TaskSubmitted.SCHEMA_VERSION, taskId, workflow, input, Map.of("user", "ada"),
                        Instant.now(), workflow));
        return taskId;
    }

    /** Sends refund calls above 500 to a person; allows everything else. */
    static Function<ValidationRequest, TestValidator.Answer> refundsAbove500ToAPerson() {
        return r -> r.action() instanceof Action.ToolCall call && call.tool().equals("refund")
                && ((Number) call.arguments().get("amount")).doubleValue() > 500
                        ? TestValidator.Answer
                                .now(new Verdict.Divert(Verdict.Divert.HUMAN_REVIEW, "refunds above 500 need a human"))
                        : TestValidator.Answer.now(Verdict.allow());
    }

    static ReviewRequest reviewOf(String taskId) {
        Awaitility.await().atMost(WAIT).until(() -> KAFKA.readAll(Topics.REVIEW_REQUESTS, r -> true).stream()
                .map(r -> io.patinox.contracts.json.Json.decode(r.value(), ReviewRequest.class))
                .anyMatch(q -> q.taskId().equals(taskId)));
        return KAFKA.readAll(Topics.REVIEW_REQUESTS, r -> true).stream()
                .map(r -> io.patinox.contracts.json.Json.decode(r.value(), ReviewRequest.class))
                .filter(q -> q.taskId().equals(taskId)).findFirst().orElseThrow();
    }

    @Test
    void aWorkflowWithABranchAndAParallelFanOutCompletesWithEveryStepValidated() {
        String taskId = submit("wf", "refund-flow", refundInput(120, "I want my money back"));

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.workflow()).isEqualTo("refund-flow");
        assertThat(result.agent()).isEqualTo("refund-flow");
        assertThat(result.answer()).isEqualTo("Refund of 120 EUR for order A-7 recorded.");
        assertThat(result.metadata()).containsEntry("user", "ada");
        // triage (1), total (1), history (2: calculator, answer), refund (1)
        List<StepEvent> steps = steps(result.runId(), 5);
        assertThat(steps).extracting(StepEvent::agent).containsExactly("triage", "refund-flow", "calc", "calc", "refund-flow");
        assertThat(steps).extracting(StepEvent::stepIndex).containsExactly(0, 1, 2, 3, 4);
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.verdictSource()).isEqualTo(VerdictSource.VALIDATOR);
            assertThat(s.outcome()).isEqualTo(StepOutcome.EXECUTED);
        });
        assertThat(validator.seen(taskId)).hasSize(5);
        assertThat(validator.seen(taskId)).filteredOn(s -> s.request().agent().equals("refund-flow"))
                .allSatisfy(s -> assertThat(s.request().policy()).isEqualTo("review"));
        assertThat(steps.get(4).action()).isEqualTo(new Action.ToolCall("refund", Map.of("orderId", "A-7", "amount", 120)));
        assertThat(executions.forRun(result.runId())).extracting(ToolExecutions.Execution::tool)
                .containsExactly("calculator", "calculator", "refund");
    }

    @Test
    void theOtherBranchRunsWhenTheConditionDoesNotHold() {
        String taskId = submit("wf-else", "refund-flow", refundInput(5, "Where is my parcel?"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("Sorry, we cannot help with that.");
        assertThat(executions.forRun(result.runId())).isEmpty();
    }

    @Test
    void anInputThatDoesNotMatchTheWorkflowsSchemaFailsTheRunSayingWhy() {
        String taskId = submit("wf-bad-input", "refund-flow", "{\"orderId\":\"A-7\"}");

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).contains("input of workflow 'refund-flow'").contains("amount");
    }

    @Test
    void nestedWorkflowsAndBoundedLoopsRun() {
        String taskId = submit("wf-outer", "outer", "go");

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("42");
        assertThat(executions.forRun(result.runId())).extracting(ToolExecutions.Execution::tool).containsExactly("clock",
                "calculator");
    }

    @Test
    void aRefundAboveTheLimitIsSuspendedAndAnApprovalOverRestCompletesIt() {
        String taskId = "wf-approve-" + UUID.randomUUID();
        validator.on(taskId, refundsAbove500ToAPerson());
        KAFKA.send(Topics.TASKS, taskId, new TaskSubmitted(1, taskId, "refund-flow", refundInput(900, "refund please"),
                Map.of(), Instant.now(), "refund-flow"));

        ReviewRequest review = reviewOf(taskId);
        assertThat(review.workflow()).isEqualTo("refund-flow");
        assertThat(review.step()).isEqualTo("route/refund");
        assertThat(review.action()).isEqualTo(new Action.ToolCall("refund", Map.of("orderId", "A-7", "amount", 900)));
        assertThat(review.reason()).isEqualTo("refunds above 500 need a human");
        assertThat(KAFKA.await(Topics.RESULTS, taskId, RunResult.class, 1, Duration.ofSeconds(1))).isEmpty();
        given().get("/runs/" + taskId).then().statusCode(200).body("state", equalTo("SUSPENDED"));
        given().get("/reviews").then().statusCode(200).body("find { it.reviewId == '" + review.reviewId() + "' }.status",
                equalTo("WAITING"));
        given().get("/reviews/" + review.reviewId()).then().statusCode(200).body("reason",
                equalTo("refunds above 500 need a human"));

        given().contentType(ContentType.JSON).body("{\"reviewer\":\"ada\"}")
                .post("/reviews/" + review.reviewId() + "/approve").then().statusCode(202).body("decidedBy", equalTo("ada"));

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("Refund of 900 EUR for order A-7 recorded.");
        List<StepEvent> steps = steps(result.runId(), 6);
        assertThat(steps.get(4).outcome()).isEqualTo(StepOutcome.DIVERTED);
        assertThat(steps.get(5).verdictSource()).isEqualTo(VerdictSource.REVIEWER);
        assertThat(steps.get(5).stepIndex()).isEqualTo(4);
        assertThat(executions.forRun(result.runId())).filteredOn(e -> e.tool().equals("refund")).hasSize(1);
        given().contentType(ContentType.JSON).body("{}").post("/reviews/" + review.reviewId() + "/approve").then()
                .statusCode(404);
    }

    @Test
    void aRejectedRefundEndsWithTheReviewersReason() {
        String taskId = "wf-reject-" + UUID.randomUUID();
        validator.on(taskId, refundsAbove500ToAPerson());
        KAFKA.send(Topics.TASKS, taskId, new TaskSubmitted(1, taskId, "refund-flow", refundInput(900, "refund please"),
                Map.of(), Instant.now(), "refund-flow"));
        ReviewRequest review = reviewOf(taskId);

        given().contentType(ContentType.JSON).body("{}").post("/reviews/" + review.reviewId() + "/reject").then()
                .statusCode(400);
        given().contentType(ContentType.JSON).body("{\"reviewer\":\"bob\",\"reason\":\"the order was never paid\"}")
                .post("/reviews/" + review.reviewId() + "/reject").then().statusCode(202);

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BLOCKED);
        assertThat(result.reason()).isEqualTo("rejected by bob: the order was never paid");
        assertThat(result.answer()).contains("the order was never paid");
        assertThat(executions.forRun(result.runId())).filteredOn(e -> e.tool().equals("refund")).isEmpty();
    }

    @Test
    void anEditedActionIsValidatedAgainAndBlockedWhenItBreaksPolicy() {
        String taskId = "wf-edit-" + UUID.randomUUID();
        validator.on(taskId, r -> r.action() instanceof Action.ToolCall call && call.tool().equals("refund")
                && ((Number) call.arguments().get("amount")).doubleValue() > 5000
                        ? TestValidator.Answer.now(new Verdict.Block("refunds above 5000 are never allowed"))
                        : refundsAbove500ToAPerson().apply(r));
        KAFKA.send(Topics.TASKS, taskId, new TaskSubmitted(1, taskId, "refund-flow", refundInput(900, "refund please"),
                Map.of(), Instant.now(), "refund-flow"));
        ReviewRequest review = reviewOf(taskId);

        given().contentType(ContentType.JSON)
                .body("{\"reviewer\":\"eve\",\"action\":{\"type\":\"tool_call\",\"tool\":\"refund\",\"arguments\":{\"orderId\":\"A-7\",\"amount\":9000}}}")
                .post("/reviews/" + review.reviewId() + "/edit").then().statusCode(202);

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BLOCKED);
        assertThat(result.reason()).isEqualTo("refunds above 5000 are never allowed");
        assertThat(executions.forRun(result.runId())).filteredOn(e -> e.tool().equals("refund")).isEmpty();
        assertThat(validator.seen(taskId)).extracting(s -> s.request().action())
                .contains(new Action.ToolCall("refund", Map.of("orderId", "A-7", "amount", 9000)));
    }

    @Test
    void anEditedActionThatPolicyAllowsRunsInsteadOfThePendingOne() {
        String taskId = "wf-edit-ok-" + UUID.randomUUID();
        validator.on(taskId, refundsAbove500ToAPerson());
        KAFKA.send(Topics.TASKS, taskId, new TaskSubmitted(1, taskId, "refund-flow", refundInput(900, "refund please"),
                Map.of(), Instant.now(), "refund-flow"));
        ReviewRequest review = reviewOf(taskId);

        given().contentType(ContentType.JSON)
                .body("{\"reviewer\":\"eve\",\"action\":{\"type\":\"tool_call\",\"tool\":\"refund\",\"arguments\":{\"orderId\":\"A-7\",\"amount\":400}}}")
                .post("/reviews/" + review.reviewId() + "/edit").then().statusCode(202);

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("Refund of 400 EUR for order A-7 recorded.");
    }

    @Test
    void aReviewNobodyDecidesInTimeIsDecidedByThePolicysOnTimeout() {
        String taskId = "wf-timeout-" + UUID.randomUUID();
        validator.on(taskId, refundsAbove500ToAPerson());
        KAFKA.send(Topics.TASKS, taskId,
                new TaskSubmitted(1, taskId, "slow-review", "go", Map.of(), Instant.now(), "slow-review"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BLOCKED);
        assertThat(result.reason()).startsWith("rejected by timeout: no reviewer decided by");
        assertThat(executions.forRun(result.runId())).isEmpty();
    }

    @Test
    void anAgentWhosePolicyHasReviewSettingsIsSuspendedTooAndResumesOnApproval() {
        String taskId = "agent-review-" + UUID.randomUUID();
        validator.on(taskId, r -> r.action() instanceof Action.ToolCall call && call.tool().equals("refund")
                ? TestValidator.Answer.now(new Verdict.Divert(Verdict.Divert.HUMAN_REVIEW, "a person checks refunds"))
                : TestValidator.Answer.now(Verdict.allow()));
        KAFKA.send(Topics.TASKS, taskId, TaskSubmitted.of(taskId, "reviewed", "Please refund order A-1"));
        ReviewRequest review = reviewOf(taskId);
        assertThat(review.agent()).isEqualTo("reviewed");
        assertThat(review.workflow()).isNull();

        given().contentType(ContentType.JSON).body("{\"reviewer\":\"ada\"}")
                .post("/reviews/" + review.reviewId() + "/approve").then().statusCode(202);

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("Done: Refund of 20 EUR for order A-1 recorded.");
        assertThat(executions.forRun(result.runId())).extracting(ToolExecutions.Execution::tool).containsExactly("refund");
    }

    @Test
    void aResumedWorkflowDoesNotRunItsRecordedStepsAgain() {
        String taskId = "wf-resume-" + UUID.randomUUID();
        String runId = "run-" + UUID.randomUUID();
        TaskSubmitted task = new TaskSubmitted(1, taskId, "refund-flow", refundInput(120, "refund please"), Map.of(),
                Instant.now(), "refund-flow");
        // What an executor killed after the parallel step left behind: triage, total and history recorded.
        Map<String, RunCheckpoint.DoneStep> done = new LinkedHashMap<>();
        done.put("triage", new RunCheckpoint.DoneStep(TextNode.valueOf("refund"), "allow"));
        done.put("route/checks/total/total", new RunCheckpoint.DoneStep(IntNode.valueOf(120), "allow"));
        done.put("route/checks/history/history", new RunCheckpoint.DoneStep(TextNode.valueOf("6 × 7 = 42."), "allow"));
        RunCheckpoint checkpoint = new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, taskId, runId, RunCheckpoint.State.RUNNING,
                task, 3, 4, 0, new Usage(200, 20, 0), List.of(), List.of(), Instant.now().minusSeconds(5), null, Instant.now())
                .inWorkflow(task, new RunCheckpoint.WorkflowProgress(done, null, 0, null));
        KAFKA.send("patinox.runs", taskId, checkpoint);
        Awaitility.await().atMost(WAIT).until(() -> journal.find(taskId).isPresent());
        KAFKA.send(Topics.TASKS, taskId, task);

        RunResult result = result(taskId);
        assertThat(result.runId()).isEqualTo(runId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(validator.seen(taskId)).extracting(s -> s.request().stepIndex()).containsExactly(4);
        assertThat(executions.forRun(runId)).extracting(ToolExecutions.Execution::tool).containsExactly("refund");
    }

    @Test
    void aWorkflowRefundInFlightAtACrashIsNotRepeated() {
        String taskId = "wf-inflight-" + UUID.randomUUID();
        String runId = "run-" + UUID.randomUUID();
        TaskSubmitted task = new TaskSubmitted(1, taskId, "refund-flow", refundInput(120, "refund please"), Map.of(),
                Instant.now(), "refund-flow");
        Map<String, RunCheckpoint.DoneStep> done = new LinkedHashMap<>();
        done.put("triage", new RunCheckpoint.DoneStep(TextNode.valueOf("refund"), "allow"));
        done.put("route/checks/total/total", new RunCheckpoint.DoneStep(IntNode.valueOf(120), "allow"));
        done.put("route/checks/history/history", new RunCheckpoint.DoneStep(TextNode.valueOf("6 × 7 = 42."), "allow"));
        var call = new Action.ToolCall("refund", Map.of("orderId", "A-7", "amount", 120));
        RunCheckpoint checkpoint = new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, taskId, runId, RunCheckpoint.State.RUNNING,
                task, 3, 4, 0, Usage.NONE, List.of(), List.of(), Instant.now().minusSeconds(5), null, Instant.now())
                .inWorkflow(task, new RunCheckpoint.WorkflowProgress(done, "route/refund", 3, null))
                .withToolInFlight(call, Instant.now());
        KAFKA.send("patinox.runs", taskId, checkpoint);
        Awaitility.await().atMost(WAIT).until(() -> journal.find(taskId).isPresent());
        KAFKA.send(Topics.TASKS, taskId, task);

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).contains("tool 'refund' of step 'route/refund'").contains("not repeated");
        assertThat(executions.forRun(runId)).isEmpty();
        assertThat(validator.seen(taskId)).isEmpty();
        assertThat(KAFKA.await(Topics.REVIEW, taskId, RunResult.class, 1, WAIT)).hasSize(1);
    }

    @Test
    void anUnknownWorkflowFailsTheRunNamingIt() {
        String taskId = submit("wf-unknown", "no-such-flow", "hi");

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).contains("unknown workflow 'no-such-flow'");
    }

    @Test
    void restTakesATaskNamingAWorkflowAndRefusesAnUnknownOne() {
        String taskId = "wf-rest-" + UUID.randomUUID();
        given().contentType(ContentType.JSON)
                .body(Map.of("workflow", "refund-flow", "input", refundInput(120, "I want my money back"), "taskId", taskId))
                .post("/tasks").then().statusCode(202);

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.workflow()).isEqualTo("refund-flow");
        given().contentType(ContentType.JSON).body(Map.of("workflow", "no-such-flow", "input", "{}"))
                .post("/tasks").then().statusCode(404)
                .body("error", org.hamcrest.Matchers.containsString("unknown workflow 'no-such-flow'"));
        given().contentType(ContentType.JSON).body(Map.of("agent", "triage", "workflow", "refund-flow", "input", "{}"))
                .post("/tasks").then().statusCode(400);
    }

    @Test
    void theToolListThatCheckConfigUsesIsTheRegistrysOwn() {
        assertThat(tools.names()).containsExactlyInAnyOrderElementsOf(BuiltInTools.IDEMPOTENT.keySet());
        BuiltInTools.IDEMPOTENT
                .forEach((name, idempotent) -> assertThat(tools.idempotent(name)).as(name).isEqualTo(idempotent));
    }
}
