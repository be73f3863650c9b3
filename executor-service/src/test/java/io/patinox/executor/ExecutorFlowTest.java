package io.patinox.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.executor.ai.ChatEntry;
import io.patinox.executor.api.AgentBuilder;
import io.patinox.executor.api.AgentStep;
import io.patinox.executor.api.Workflow;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.service.RunCheckpoint;
import io.patinox.executor.service.RunExecutor;
import io.patinox.executor.service.RunJournal;
import io.patinox.executor.service.RunStore;
import io.patinox.executor.tools.ToolExecutions;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** Tasks through the real broker, with the test playing the validator: every verdict kind and the fail modes. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class ExecutorFlowTest extends FlowTest {

    @Inject
    ToolExecutions executions;

    @Inject
    RunJournal journal;

    @Inject
    RunStore runs;

    @Inject
    RunExecutor executor;

    @Test
    void toolCallThenFinalAnswerCompletes() {
        String taskId = newTaskId("calc");
        submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("6 × 7 = 42.");
        assertThat(result.steps()).isEqualTo(2);
        assertThat(result.model().scripted()).isTrue();
        assertThat(result.usage().inputTokens()).isEqualTo(220);

        List<StepEvent> steps = steps(result.runId(), 2);
        assertThat(steps).hasSize(2);
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.model().scripted()).isTrue();
            assertThat(s.model().provider()).isEqualTo("scripted");
            assertThat(s.verdictSource()).isEqualTo(VerdictSource.VALIDATOR);
            assertThat(s.outcome()).isEqualTo(StepOutcome.EXECUTED);
            assertThat(s.configVersion()).isNotBlank();
        });
        assertThat(steps.get(0).action()).isEqualTo(new Action.ToolCall("calculator", java.util.Map.of("expression", "6 * 7")));
        assertThat(steps.get(0).output()).isEqualTo("42");
        assertThat(steps.get(1).stepIndex()).isEqualTo(1);
        assertThat(steps.get(1).output()).isEqualTo("6 × 7 = 42.");
        // One trace: the request to the validator, the steps and the result carry the same trace id.
        String traceparent = validator.seen(taskId).get(0).headers().get("traceparent");
        assertThat(traceparent).isNotNull();
        String traceId = traceparent.split("-")[1];
        var stepRecords = KAFKA.await(Topics.STEPS, r -> result.runId().equals(r.key()), 2, WAIT);
        var resultRecords = KAFKA.await(Topics.RESULTS, r -> taskId.equals(r.key()), 1, WAIT);
        for (var record : List.of(stepRecords.get(0), stepRecords.get(1), resultRecords.get(0))) {
            assertThat(record.headers().lastHeader("traceparent")).as("traceparent on " + record.topic()).isNotNull();
            assertThat(new String(record.headers().lastHeader("traceparent").value())).contains(traceId);
        }
    }

    @Test
    void noStepRunsBeforeItsVerdict() {
        String taskId = newTaskId("slow-allow");
        validator.on(taskId, r -> new TestValidator.Answer(Verdict.allow(), 500));
        submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        TestValidator.Seen toolStep = validator.seen(taskId).get(0);
        assertThat(toolStep.request().action()).isInstanceOf(Action.ToolCall.class);
        List<ToolExecutions.Execution> ran = executions.forRun(result.runId());
        assertThat(ran).hasSize(1);
        assertThat(ran.get(0).startedAt()).isAfterOrEqualTo(toolStep.replySentAt());
        assertThat(Duration.between(toolStep.receivedAt(), ran.get(0).startedAt()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(steps(result.runId(), 2).get(0).validationLatencyMicros()).isGreaterThanOrEqualTo(500_000);
    }

    @Test
    void missingVerdictFailsClosed() {
        String taskId = newTaskId("silent");
        validator.on(taskId, r -> TestValidator.Answer.silent());
        long start = System.nanoTime();
        submit(TaskSubmitted.of(taskId, "fast", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        assertThat(result.status()).isEqualTo(RunStatus.BLOCKED);
        assertThat(result.answer()).isEqualTo("I can't help with that.");
        assertThat(result.reason()).contains("within 300 ms").contains("fails closed");
        assertThat(executions.forRun(result.runId())).isEmpty();
        StepEvent step = steps(result.runId(), 1).get(0);
        assertThat(step.verdictSource()).isEqualTo(VerdictSource.FAIL_CLOSED);
        assertThat(step.outcome()).isEqualTo(StepOutcome.BLOCKED);
        assertThat(step.verdict()).isInstanceOf(Verdict.Block.class);
    }

    @Test
    void missingVerdictFailsOpenWhenThePolicySaysSo() {
        String taskId = newTaskId("silent-open");
        validator.on(taskId, r -> TestValidator.Answer.silent());
        submit(TaskSubmitted.of(taskId, "open", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("6 × 7 = 42.");
        assertThat(steps(result.runId(), 2)).allSatisfy(s -> assertThat(s.verdictSource()).isEqualTo(VerdictSource.FAIL_OPEN));
    }

    @Test
    void modifyRunsTheChangedAction() {
        String taskId = newTaskId("modify");
        validator.on(taskId, r -> TestValidator.Answer.now(
                new Verdict.Modify(new Action.FinalAnswer("Sent to [REDACTED EMAIL]."), "pii: email address")));
        submit(TaskSubmitted.of(taskId, "calc", "Send the invoice"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("Sent to [REDACTED EMAIL].");
        StepEvent step = steps(result.runId(), 1).get(0);
        assertThat(step.action()).isEqualTo(new Action.FinalAnswer("Sent to jane.doe@example.com."));
        assertThat(step.output()).isEqualTo("Sent to [REDACTED EMAIL].");
        assertThat(step.verdict().kind()).isEqualTo(Verdict.Kind.MODIFY);
    }

    @Test
    void modifyOfAToolCallRunsTheChangedArguments() {
        String taskId = newTaskId("modify-tool");
        validator.on(taskId, r -> r.action() instanceof Action.ToolCall
                ? TestValidator.Answer.now(
                        new Verdict.Modify(new Action.ToolCall("calculator", java.util.Map.of("expression", "6 * 8")), "test"))
                : TestValidator.Answer.now(Verdict.allow()));
        submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(result.answer()).isEqualTo("6 × 7 = 48.");
    }

    @Test
    void retryReasksTheModelWithTheFeedback() {
        String taskId = newTaskId("retry");
        validator.on(taskId, r -> r.context().retries() == 0
                ? TestValidator.Answer.now(new Verdict.Retry("be more specific"))
                : TestValidator.Answer.now(Verdict.allow()));
        submit(TaskSubmitted.of(taskId, "calc", "Write a draft"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("second draft after: be more specific");
        assertThat(result.steps()).isEqualTo(2);
        List<StepEvent> steps = steps(result.runId(), 2);
        assertThat(steps).extracting(StepEvent::outcome).containsExactly(StepOutcome.RETRIED, StepOutcome.EXECUTED);
        assertThat(steps).extracting(StepEvent::stepIndex).containsExactly(0, 0);
    }

    @Test
    void retriesAreBounded() {
        String taskId = newTaskId("retry-forever");
        validator.on(taskId, r -> TestValidator.Answer.now(new Verdict.Retry("still not good")));
        submit(TaskSubmitted.of(taskId, "calc", "Write a draft"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BUDGET_EXCEEDED);
        assertThat(result.reason()).contains("maxRetries 2").contains("still not good");
        assertThat(result.steps()).isEqualTo(3);
    }

    @Test
    void divertToHumanReviewEndsTheRunAndGoesToTheReviewTopic() {
        String taskId = newTaskId("divert");
        validator.on(taskId,
                r -> TestValidator.Answer.now(new Verdict.Divert(Verdict.Divert.HUMAN_REVIEW, "refund above 500")));
        submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.DIVERTED);
        assertThat(result.reason()).contains("human-review").contains("refund above 500");
        assertThat(executions.forRun(result.runId())).isEmpty();
        List<RunResult> reviews = KAFKA.await(Topics.REVIEW, taskId, RunResult.class, 1, WAIT);
        assertThat(reviews).hasSize(1);
        assertThat(reviews.get(0).runId()).isEqualTo(result.runId());
        assertThat(steps(result.runId(), 1).get(0).outcome()).isEqualTo(StepOutcome.DIVERTED);
    }

    @Test
    void divertToAnotherAgentHandsTheRunOver() {
        String taskId = newTaskId("handover");
        validator.on(taskId, r -> r.agent().equals("calc")
                ? TestValidator.Answer.now(new Verdict.Divert("open", "arithmetic belongs to the open agent"))
                : TestValidator.Answer.now(Verdict.allow()));
        submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.agent()).isEqualTo("open");
        assertThat(result.answer()).isEqualTo("6 × 7 = 42.");
        assertThat(result.steps()).isEqualTo(3);
        List<StepEvent> steps = steps(result.runId(), 3);
        assertThat(steps).extracting(StepEvent::agent).containsExactly("calc", "open", "open");
        assertThat(steps).extracting(StepEvent::stepIndex).containsExactly(0, 1, 2);
        assertThat(steps.get(0).outcome()).isEqualTo(StepOutcome.DIVERTED);
        assertThat(KAFKA.await(Topics.REVIEW, taskId, RunResult.class, 1, Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void blockEndsTheRunWithASafeAnswer() {
        String taskId = newTaskId("block");
        validator.on(taskId, r -> TestValidator.Answer.now(new Verdict.Block("prompt injection")));
        submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BLOCKED);
        assertThat(result.answer()).isEqualTo("I can't help with that.");
        assertThat(result.reason()).isEqualTo("prompt injection");
        assertThat(executions.forRun(result.runId())).isEmpty();
        StepEvent step = steps(result.runId(), 1).get(0);
        assertThat(step.outcome()).isEqualTo(StepOutcome.BLOCKED);
        assertThat(step.verdictSource()).isEqualTo(VerdictSource.VALIDATOR);
    }

    @Test
    void aDisallowedToolIsAFailedStepNotACrash() {
        String taskId = newTaskId("forbidden");
        submit(TaskSubmitted.of(taskId, "calc", "Use the forbidden tool"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).contains("not allowed for agent 'calc'");
        StepEvent first = steps(result.runId(), 2).get(0);
        assertThat(first.outcome()).isEqualTo(StepOutcome.FAILED);
        assertThat(first.error()).contains("'refund' is not allowed");
    }

    @Test
    void maxStepsEndsTheRun() {
        String taskId = newTaskId("loop");
        submit(TaskSubmitted.of(taskId, "calc", "loop forever"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BUDGET_EXCEEDED);
        assertThat(result.reason()).contains("maxSteps 4");
        assertThat(result.steps()).isEqualTo(4);
    }

    @Test
    void theTokenBudgetEndsTheRun() {
        String taskId = newTaskId("tokens");
        submit(TaskSubmitted.of(taskId, "budget", "What is 6 * 7?"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BUDGET_EXCEEDED);
        assertThat(result.reason()).isEqualTo("token budget exhausted: 238 tokens > maxTokens 150");
        assertThat(validator.seen(taskId)).hasSize(1);
    }

    @Test
    void theCostBudgetEndsTheRun() {
        String taskId = newTaskId("cost");
        submit(TaskSubmitted.of(taskId, "budget", "a costly request"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BUDGET_EXCEEDED);
        assertThat(result.reason()).startsWith("cost budget exhausted: 0.0400 USD > maxCostUsd 0.0300");
        assertThat(result.usage().costUsd()).isEqualTo(0.04, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void theWallTimeBudgetEndsTheRun() {
        String taskId = newTaskId("wall");
        validator.on(taskId, r -> new TestValidator.Answer(Verdict.allow(), 400));
        submit(TaskSubmitted.of(taskId, "hasty", "loop forever"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BUDGET_EXCEEDED);
        assertThat(result.reason()).startsWith("wall-time budget exhausted");
        assertThat(result.steps()).isBetween(2, 4);
    }

    @Test
    void anAgentAnswersFromItsLongTermMemory() {
        String taskId = newTaskId("memory");
        submit(TaskSubmitted.of(taskId, "kb", "How long does delivery to Switzerland take?"));

        // The first use may load the embedding model and Lance's native library: allow for a slow machine.
        List<RunResult> results = KAFKA.await(Topics.RESULTS, taskId, RunResult.class, 1, Duration.ofSeconds(120));
        assertThat(results).hasSize(1);
        RunResult result = results.get(0);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).startsWith("From our knowledge base: Shipping to Switzerland takes 3 to 5 working days.");
        StepEvent search = steps(result.runId(), 2).get(0);
        assertThat(search.action()).isEqualTo(new Action.ToolCall("memory_search",
                java.util.Map.of("query", "How long does delivery to Switzerland take?")));
        assertThat(search.outcome()).isEqualTo(StepOutcome.EXECUTED);
    }

    @Test
    void unknownAgentFails() {
        String taskId = newTaskId("unknown");
        submit(TaskSubmitted.of(taskId, "nobody", "hello"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).contains("unknown agent 'nobody'");
    }

    @Test
    void aTaskPublishedTwiceRunsOnce() {
        String taskId = newTaskId("twice");
        TaskSubmitted task = TaskSubmitted.of(taskId, "calc", "What is 6 * 7?");
        submit(task);
        result(taskId);
        submit(task);
        // A second run would publish a second result well within this window.
        assertThat(KAFKA.await(Topics.RESULTS, taskId, RunResult.class, 2, Duration.ofSeconds(3))).hasSize(1);
        assertThat(validator.seen(taskId)).hasSize(2);
    }

    @Test
    void aTaskRedeliveredAfterACrashResumesFromItsLastCheckpoint() {
        String taskId = newTaskId("resume");
        String runId = "run-" + UUID.randomUUID();
        TaskSubmitted task = TaskSubmitted.of(taskId, "calc", "What is 6 * 7?");
        // What a crashed executor left behind: step 0 (the calculator) validated and run, step 1 not yet.
        var toolCall = new Action.ToolCall("calculator", java.util.Map.of("expression", "6 * 7"));
        RunCheckpoint checkpoint = new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, taskId, runId, RunCheckpoint.State.RUNNING,
                task, 1, 1, 0, new io.patinox.contracts.events.Usage(100, 10, 0),
                List.of(ChatEntry.user(task.input()), ChatEntry.assistant(toolCall), ChatEntry.tool("42")),
                List.of("42"), java.time.Instant.now().minusSeconds(5), null, java.time.Instant.now());
        KAFKA.send("patinox.runs", taskId, checkpoint);
        Awaitility.await().atMost(WAIT).until(() -> journal.find(taskId).isPresent());
        submit(task);

        RunResult result = result(taskId);
        assertThat(result.runId()).isEqualTo(runId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("6 × 7 = 42.");
        assertThat(result.steps()).isEqualTo(2);
        assertThat(result.usage().inputTokens()).isEqualTo(220);
        assertThat(executions.forRun(runId)).as("the tool of the checkpointed step is not run again").isEmpty();
        assertThat(validator.seen(taskId)).extracting(s -> s.request().stepIndex()).containsExactly(1);
        Awaitility.await().atMost(WAIT)
                .until(() -> journal.find(taskId).map(c -> c.state() == RunCheckpoint.State.DONE).orElse(false));
    }

    @Test
    void aSideEffectingToolCallIsCheckpointedBeforeItRuns() {
        String taskId = newTaskId("refund");
        submit(TaskSubmitted.of(taskId, "shop", "Please refund order A-1"));

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        var checkpoints = KAFKA.await("patinox.runs", r -> taskId.equals(r.key()), 3, WAIT).stream()
                .map(r -> Json.decode(r.value(), RunCheckpoint.class)).toList();
        // In flight before the refund, then the step's checkpoint without it, then the final one.
        assertThat(checkpoints).extracting(c -> c.toolInFlight() == null ? null : c.toolInFlight().tool())
                .containsExactly("refund", null, null);
        var refund = executions.forRun(result.runId());
        assertThat(refund).extracting(ToolExecutions.Execution::tool).containsExactly("refund");
        assertThat(checkpoints.get(0).occurredAt()).isBeforeOrEqualTo(refund.get(0).startedAt());
    }

    @Test
    void aSideEffectingToolInFlightAtACrashIsNotRepeated() {
        String taskId = newTaskId("refund-crash");
        String runId = "run-" + UUID.randomUUID();
        TaskSubmitted task = TaskSubmitted.of(taskId, "shop", "Please refund order A-1");
        var call = new Action.ToolCall("refund", java.util.Map.of("orderId", "A-1", "amount", 20));
        // What an executor killed during the refund left behind: the validated call marked in flight.
        RunCheckpoint checkpoint = new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, taskId, runId, RunCheckpoint.State.RUNNING,
                task, 1, 0, 0, new io.patinox.contracts.events.Usage(30, 6, 0), List.of(ChatEntry.user(task.input())),
                List.of(), java.time.Instant.now().minusSeconds(5), null, java.time.Instant.now())
                .withToolInFlight(call, java.time.Instant.now());
        KAFKA.send("patinox.runs", taskId, checkpoint);
        Awaitility.await().atMost(WAIT).until(() -> journal.find(taskId).isPresent());
        submit(task);

        RunResult result = result(taskId);
        assertThat(result.runId()).isEqualTo(runId);
        assertThat(result.status()).isEqualTo(RunStatus.FAILED);
        assertThat(result.reason()).contains("tool 'refund'").contains("not repeated");
        assertThat(executions.forRun(runId)).as("the refund is not run a second time").isEmpty();
        assertThat(validator.seen(taskId)).isEmpty();
        assertThat(KAFKA.await(Topics.REVIEW, taskId, RunResult.class, 1, WAIT)).hasSize(1);
    }

    @Test
    void aTaskWhoseResultWentOutBeforeItsFinalCheckpointIsNotRunAgain() {
        String taskId = newTaskId("published");
        String runId = "run-" + UUID.randomUUID();
        TaskSubmitted task = TaskSubmitted.of(taskId, "calc", "What is 6 * 7?");
        // What an executor killed between publishing the result and writing its final checkpoint left behind.
        var toolCall = new Action.ToolCall("calculator", java.util.Map.of("expression", "6 * 7"));
        KAFKA.send("patinox.runs", taskId, new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, taskId, runId,
                RunCheckpoint.State.RUNNING, task, 1, 1, 0, null,
                List.of(ChatEntry.user(task.input()), ChatEntry.assistant(toolCall), ChatEntry.tool("42")), List.of("42"),
                java.time.Instant.now().minusSeconds(5), null, java.time.Instant.now()));
        RunResult published = new RunResult(RunResult.SCHEMA_VERSION, taskId, runId, "calc", "abc", RunStatus.COMPLETED,
                "6 × 7 = 42.", null, 2, null, null, null, java.time.Instant.now().minusSeconds(5), java.time.Instant.now());
        KAFKA.send(Topics.RESULTS, taskId, published);
        Awaitility.await().atMost(WAIT).until(() -> journal.published(taskId).isPresent());
        submit(task);

        Awaitility.await().atMost(WAIT).until(() -> runs.find(taskId).isPresent());
        assertThat(runs.find(taskId).get().runId()).isEqualTo(runId);
        assertThat(KAFKA.await(Topics.RESULTS, taskId, RunResult.class, 2, Duration.ofSeconds(3))).hasSize(1);
        assertThat(validator.seen(taskId)).as("no step proposed again").isEmpty();
    }

    @Test
    void aTaskFinishedBeforeARestartIsNotRunAgain() {
        String taskId = newTaskId("done-before");
        TaskSubmitted task = TaskSubmitted.of(taskId, "calc", "What is 6 * 7?");
        RunResult earlier = completedEarlier(taskId, "run-earlier");
        KAFKA.send("patinox.runs", taskId, finalCheckpoint(task, earlier));
        Awaitility.await().atMost(WAIT).until(() -> journal.find(taskId).isPresent());
        submit(task);

        Awaitility.await().atMost(WAIT).until(() -> runs.find(taskId).isPresent());
        assertThat(runs.find(taskId).get().runId()).isEqualTo("run-earlier");
        assertThat(KAFKA.await(Topics.RESULTS, taskId, RunResult.class, 1, Duration.ofSeconds(2))).isEmpty();
        assertThat(validator.seen(taskId)).isEmpty();
    }

    @Test
    void aPublishedResultIsForgottenOnceTheFinalCheckpointHoldsIt() {
        String taskId = newTaskId("done-after-publish");
        TaskSubmitted task = TaskSubmitted.of(taskId, "calc", "What is 6 * 7?");
        RunResult result = completedEarlier(taskId, "run-x");
        KAFKA.send(Topics.RESULTS, taskId, result);
        Awaitility.await().atMost(WAIT).until(() -> journal.published(taskId).isPresent());

        KAFKA.send("patinox.runs", taskId, finalCheckpoint(task, result));
        Awaitility.await().atMost(WAIT).until(() -> journal.find(taskId).isPresent());
        assertThat(journal.published(taskId)).as("one copy of a finished task's result").isEmpty();
        assertThat(journal.find(taskId).get().result()).isEqualTo(result);
    }

    /** The result of a run of agent {@code calc} that completed a minute ago. */
    private static RunResult completedEarlier(String taskId, String runId) {
        return new RunResult(RunResult.SCHEMA_VERSION, taskId, runId, "calc", "abc", RunStatus.COMPLETED, "6 × 7 = 42.",
                null, 2, null, null, null, java.time.Instant.now().minusSeconds(60),
                java.time.Instant.now().minusSeconds(59));
    }

    /** The checkpoint an executor writes when {@code result} ends the run of {@code task}. */
    private static RunCheckpoint finalCheckpoint(TaskSubmitted task, RunResult result) {
        return new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, task.taskId(), result.runId(), RunCheckpoint.State.DONE,
                task, 2, 0, 0, null, null, null, result.startedAt(), result, java.time.Instant.now());
    }

    @Test
    void aJavaBuiltAgentRunsAsAWorkflowStep() {
        AgentDefinition agent = AgentBuilder.named("java-calc").model("scripted/test").instructions("Calculate.")
                .policy("default").tools("calculator").build();
        Workflow<String, String> workflow = Workflow.of(String::strip)
                .then(AgentStep.of(executor, agent))
                .branch(r -> r.status() == RunStatus.COMPLETED, RunResult::answer, r -> "failed: " + r.reason());
        assertThat(workflow.run("  What is 6 * 7?  ")).isEqualTo("6 × 7 = 42.");
    }

    @Test
    void malformedTasksGoToTheDeadLetterTopicAndTheNextTaskRuns() {
        String prefix = "bad-" + UUID.randomUUID();
        KAFKA.sendRaw(Topics.TASKS, prefix + "-json", "not json".getBytes());
        KAFKA.sendRaw(Topics.TASKS, prefix + "-version",
                Json.encodeToString(TaskSubmitted.of("t", "calc", "x")).replace("\"schemaVersion\":1", "\"schemaVersion\":99")
                        .getBytes());
        KAFKA.sendRaw(Topics.TASKS, prefix + "-missing",
                "{\"schemaVersion\":1,\"taskId\":\"t\",\"input\":\"x\",\"occurredAt\":\"2026-01-01T00:00:00Z\"}".getBytes());
        String taskId = newTaskId("after-bad");
        submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));

        var dead = KAFKA.await(Topics.dlq(Topics.TASKS), r -> r.key() != null && r.key().startsWith(prefix), 3, WAIT);
        assertThat(dead).hasSize(3);
        java.util.Map<String, String> reasons = new java.util.HashMap<>();
        dead.forEach(r -> reasons.put(r.key().substring(prefix.length() + 1),
                new String(r.headers().lastHeader(io.patinox.contracts.topics.ReplyHeaders.DEAD_LETTER_REASON).value())));
        assertThat(reasons.get("json")).contains("not valid JSON");
        assertThat(reasons.get("version")).contains("schemaVersion 99");
        assertThat(reasons.get("missing")).contains("agent");
        assertThat(new String(dead.get(0).value())).isNotEmpty();
        assertThat(result(taskId).status()).isEqualTo(RunStatus.COMPLETED);
    }
}
