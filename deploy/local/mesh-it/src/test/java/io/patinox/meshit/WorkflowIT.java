package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ReviewRequest;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.launcher.MeshClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * The sample workflow {@code refund-request} (config/workflows/) on the running mesh, with the real validator: a
 * branch and a parallel fan-out, every step validated; a refund above the limit suspended for a person, approved,
 * rejected or edited over the executor's REST API; runs that outlive a killed executor; and a bad workflow file
 * pushed to the config repository, refused while the last good version keeps running.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(9)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class WorkflowIT extends OnSharedMesh {

    private static final String WORKFLOW = "refund-request";
    private static final Duration WAIT = Duration.ofSeconds(120);
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    @Order(1)
    void aWorkflowWithABranchAndAParallelFanOutCompletesWithEveryStepValidated() {
        String refund = submit("wf-refund", 120, "The kettle arrived broken, I want my money back");
        String other = submit("wf-other", 20, "Where is my parcel?");

        RunResult result = result(refund);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.workflow()).isEqualTo(WORKFLOW);
        assertThat(result.answer()).isEqualTo("Refund of 120 EUR for order A-wf-refund recorded.");
        List<StepEvent> steps = steps(result.runId(), 5);
        // triage; the fan-out: the amount check (a tool step) and the history agent (a tool call, an answer); the refund
        assertThat(steps).extracting(StepEvent::agent)
                .containsExactlyInAnyOrder("triage", WORKFLOW, "order-history", "order-history", WORKFLOW);
        assertThat(steps).extracting(StepEvent::stepIndex).doesNotHaveDuplicates();
        assertThat(steps).allSatisfy(s -> {
            assertThat(s.verdictSource()).as("step %d", s.stepIndex()).isEqualTo(VerdictSource.VALIDATOR);
            assertThat(s.outcome()).as("step %d", s.stepIndex()).isEqualTo(StepOutcome.EXECUTED);
            assertThat(s.validationLatencyMicros()).isPositive();
        });
        assertThat(steps).filteredOn(s -> s.action() instanceof Action.ToolCall c && c.tool().equals("refund")).hasSize(1);

        RunResult declined = result(other);
        assertThat(declined.status()).as(declined.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(declined.answer()).startsWith("Sorry, this desk handles refunds only");
        assertThat(steps(declined.runId(), 2)).extracting(StepEvent::agent).containsExactly("triage", "triage");
    }

    @Test
    @Order(2)
    void aRefundAboveTheLimitIsSuspendedAndAnApprovalOverRestCompletesIt() throws Exception {
        String taskId = submit("wf-approve", 900, "Please refund the sofa");
        ReviewRequest review = review(taskId);
        assertThat(review.workflow()).isEqualTo(WORKFLOW);
        assertThat(review.step()).isEqualTo("route/refund");
        assertThat(review.policy()).isEqualTo("refunds");
        assertThat(review.reason()).isEqualTo("refunds above 500 need a human");
        assertThat(review.action()).isEqualTo(new Action.ToolCall("refund", Map.of("orderId", "A-wf-approve", "amount", 900)));
        assertThat(rest("GET", "/runs/" + taskId, null).path("state").asText()).isEqualTo("SUSPENDED");
        assertThat(rest("GET", "/reviews", null).findValuesAsText("reviewId")).contains(review.reviewId());

        JsonNode decision = rest("POST", "/reviews/" + review.reviewId() + "/approve", "{\"reviewer\":\"ada\"}");
        assertThat(decision.path("decidedBy").asText()).isEqualTo("ada");

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("Refund of 900 EUR for order A-wf-approve recorded.");
        List<StepEvent> refunds = refundSteps(result.runId());
        assertThat(refunds).extracting(StepEvent::outcome).containsExactly(StepOutcome.DIVERTED, StepOutcome.EXECUTED);
        assertThat(refunds.get(0).verdictSource()).isEqualTo(VerdictSource.VALIDATOR);
        assertThat(refunds.get(1).verdictSource()).isEqualTo(VerdictSource.REVIEWER);
    }

    @Test
    @Order(3)
    void aRejectedRefundEndsWithTheReviewersReason() throws Exception {
        String taskId = submit("wf-reject", 900, "Please refund the sofa");
        ReviewRequest review = review(taskId);

        rest("POST", "/reviews/" + review.reviewId() + "/reject",
                "{\"reviewer\":\"bob\",\"reason\":\"the order was never paid\"}");

        RunResult result = result(taskId);
        assertThat(result.status()).isEqualTo(RunStatus.BLOCKED);
        assertThat(result.reason()).isEqualTo("rejected by bob: the order was never paid");
        assertThat(refundSteps(result.runId())).noneMatch(s -> s.outcome() == StepOutcome.EXECUTED);
    }

    @Test
    @Order(4)
    void anEditedActionThatBreaksPolicyIsValidatedAgainAndBlocked() throws Exception {
        String taskId = submit("wf-edit", 900, "Please refund the sofa");
        ReviewRequest review = review(taskId);

        rest("POST", "/reviews/" + review.reviewId() + "/edit", "{\"reviewer\":\"eve\",\"action\":{\"type\":\"tool_call\","
                + "\"tool\":\"refund\",\"arguments\":{\"orderId\":\"A-wf-edit\",\"amount\":9000}}}");

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.BLOCKED);
        List<StepEvent> refunds = refundSteps(result.runId());
        assertThat(refunds).noneMatch(s -> s.outcome() == StepOutcome.EXECUTED);
        // The edited action met the validator, whose tool schema caps a refund at 5000.
        assertThat(refunds).anySatisfy(s -> {
            assertThat(((Action.ToolCall) s.action()).arguments()).containsEntry("amount", 9000);
            assertThat(s.verdictSource()).isEqualTo(VerdictSource.VALIDATOR);
            assertThat(s.verdict()).isInstanceOf(Verdict.Block.class);
        });
    }

    @Test
    @Order(5)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void aSuspendedRunOutlivesAKilledExecutorAndCompletesOnceWithoutRepeatingAStep() throws Exception {
        String taskId = submit("wf-kill", 700, "Please refund the wardrobe");
        ReviewRequest review = review(taskId);
        List<StepEvent> before = mesh.kafka.readAll(Topics.STEPS, r -> review.runId().equals(r.key())).stream()
                .map(r -> Json.decode(r.value(), StepEvent.class)).toList();

        mesh.kill("executor");
        mesh.launch("executor");
        mesh.awaitReady("executor");
        // The new executor reads the suspended run from the journal.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                .until(() -> rest("GET", "/reviews", null).findValuesAsText("reviewId").contains(review.reviewId()));
        rest("POST", "/reviews/" + review.reviewId() + "/approve", "{\"reviewer\":\"ada\"}");

        RunResult result = result(taskId);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.runId()).isEqualTo(review.runId());
        assertThat(result.answer()).isEqualTo("Refund of 700 EUR for order A-wf-kill recorded.");
        Thread.sleep(3000);
        assertThat(mesh.kafka.readAll(Topics.RESULTS, r -> taskId.equals(r.key()))).hasSize(1);
        List<StepEvent> all = mesh.kafka.readAll(Topics.STEPS, r -> review.runId().equals(r.key())).stream()
                .map(r -> Json.decode(r.value(), StepEvent.class)).toList();
        // Nothing recorded before the kill ran again: the only new step is the approved refund.
        assertThat(all).hasSize(before.size() + 1);
        assertThat(all).filteredOn(s -> s.outcome() == StepOutcome.EXECUTED && s.action() instanceof Action.ToolCall)
                .extracting(s -> s.stepIndex() + " " + ((Action.ToolCall) s.action()).tool()).doesNotHaveDuplicates();
        assertThat(refundSteps(result.runId())).filteredOn(s -> s.outcome() == StepOutcome.EXECUTED).hasSize(1);
    }

    @Test
    @Order(6)
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void workflowsRunningWhenTheExecutorIsKilledEndOnceAndNeverRepeatAToolStep() throws Exception {
        List<String> ids = new ArrayList<>();
        MeshClient watcher = MeshClient.open(mesh.bootstrap);
        Thread load = new Thread(() -> {
            try (MeshClient client = MeshClient.open(mesh.bootstrap)) {
                for (int i = 0; i < 12; i++) {
                    String id = "wf-load-" + i + "-" + UUID.randomUUID();
                    synchronized (ids) {
                        ids.add(id);
                    }
                    client.submit(task(id, 50 + i, "I want my money back"));
                    Thread.sleep(80);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "workflow-load");
        load.start();
        // Killed as soon as a run is seen mid-way: some of its steps published, no result yet.
        Map<String, Integer> stepsSeen = new HashMap<>();
        java.util.Set<String> ended = new java.util.HashSet<>();
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        try (watcher) {
            while (System.nanoTime() < giveUp && stepsSeen.entrySet().stream()
                    .noneMatch(e -> e.getValue() >= 2 && !ended.contains(e.getKey()))) {
                watcher.poll(Duration.ofMillis(20), step -> {
                    if (step.taskId().startsWith("wf-load-")) {
                        stepsSeen.merge(step.taskId(), 1, Integer::sum);
                    }
                }, result -> ended.add(result.taskId()));
            }
        }
        java.time.Instant killedAt = java.time.Instant.now();
        mesh.kill("executor");
        load.join(TimeUnit.MINUTES.toMillis(2));
        mesh.launch("executor");
        mesh.awaitReady("executor");

        Map<String, RunResult> results = new HashMap<>();
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            mesh.kafka.readAll(Topics.RESULTS, r -> ids.contains(r.key()))
                    .forEach(r -> results.putIfAbsent(r.key(), Json.decode(r.value(), RunResult.class)));
            return results.size() == ids.size();
        });
        Thread.sleep(3000);
        Map<String, Long> perTask = mesh.kafka.readAll(Topics.RESULTS, r -> ids.contains(r.key())).stream()
                .collect(Collectors.groupingBy(r -> r.key(), Collectors.counting()));
        assertThat(perTask).hasSize(ids.size()).allSatisfy((task, n) -> assertThat(n).as(task).isEqualTo(1L));
        // A refund that was running at the kill is not repeated: its run ends for a person to check instead.
        assertThat(results.values()).allSatisfy(r -> assertThat(r.status() == RunStatus.COMPLETED
                || r.status() == RunStatus.FAILED && r.reason().contains("not repeated")).as(r.taskId() + ": " + r.reason())
                .isTrue());
        assertThat(results.values()).filteredOn(r -> r.status() == RunStatus.COMPLETED).isNotEmpty();
        var runIds = results.values().stream().map(RunResult::runId).collect(Collectors.toSet());
        List<StepEvent> steps = mesh.kafka.readAll(Topics.STEPS, r -> runIds.contains(r.key())).stream()
                .map(r -> Json.decode(r.value(), StepEvent.class)).toList();
        // A read-only (idempotent) tool of a step that was not recorded before the kill may run again (docs/adr/0013);
        // a tool with effects never does: its run ends for a person to check instead (above).
        assertThat(steps).filteredOn(s -> s.outcome() == StepOutcome.EXECUTED && s.action() instanceof Action.ToolCall c
                && c.tool().equals("refund")).extracting(StepEvent::runId).doesNotHaveDuplicates();
        assertThat(steps).filteredOn(s -> s.outcome() == StepOutcome.EXECUTED)
                .allSatisfy(s -> assertThat(s.verdictSource()).isEqualTo(VerdictSource.VALIDATOR));
        long interrupted = results.values().stream().filter(r -> r.occurredAt().isAfter(killedAt)
                && steps.stream().anyMatch(s -> s.runId().equals(r.runId()) && s.occurredAt().isBefore(killedAt))).count();
        System.out.printf("workflows under a killed executor: %d tasks, %d completed, %d interrupted mid-way and finished"
                + " after the restart%n", ids.size(),
                results.values().stream().filter(r -> r.status() == RunStatus.COMPLETED)
                        .count(),
                interrupted);
    }

    @Test
    @Order(7)
    void aBadWorkflowFileIsRefusedWithFileLineAndFieldAndTheLastGoodVersionKeepsRunning() throws Exception {
        // Written to the config repository's checkout, as a pull or git-sync delivers a change; not committed, so the
        // config version the other tests of this mesh expect is back once the file is.
        Path file = mesh.configRepo.resolve("workflows/" + WORKFLOW + ".yaml");
        String good = Files.readString(file);
        String bad = good.replace("          tool: refund\n", "          tool: refund\n          retries: 3\n");
        assertThat(bad).isNotEqualTo(good);
        int line = bad.lines().toList().indexOf("          retries: 3") + 1;
        try {
            Files.writeString(file, bad);
            JsonNode refused = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                    .until(this::configHealth, h -> h.has("refusedWorkflowChange"));
            assertThat(refused.path("refusedWorkflowChange").asText()).contains(WORKFLOW + ".yaml")
                    .contains("field 'steps[1].branch.then[1].retries'").contains("(line " + line + ")");
            assertThat(refused.path("workflows").asText()).contains(WORKFLOW);

            String taskId = submit("wf-last-good", 80, "I want my money back");
            RunResult result = result(taskId);
            assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
            assertThat(result.answer()).isEqualTo("Refund of 80 EUR for order A-wf-last-good recorded.");
        } finally {
            Files.writeString(file, good);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(this::configHealth, h -> !h.has("refusedWorkflowChange"));
        assertThat(mesh.git("status", "--porcelain", "--", "workflows")).isEmpty();
    }

    @Test
    @Order(8)
    void theDemosWorkflowPartCompletesEveryRequestGrantingTheApprovalOnTheDecisionsTopic() {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

        boolean completed = new io.patinox.launcher.WorkflowDemo(lines::add).run(mesh.bootstrap, WAIT);

        assertThat(completed).as(String.join("\n", lines)).isTrue();
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("SUSPENDED at step 'route/refund'")
                .contains("refunds above 500 need a human"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("approved by reviewer 'demo'"));
        assertThat(lines).anySatisfy(l -> assertThat(l).contains("REVIEWER"));
        assertThat(lines).last().asString().isEqualTo("3 workflow runs, 3 completed");
    }

    // --- helpers

    private static TaskSubmitted task(String taskId, int amount, String reason) {
        String orderId = "A-" + taskId.replaceAll("-[0-9a-f]{8}-.*$", "");
        String input = "{\"orderId\":\"" + orderId + "\",\"amount\":" + amount + ",\"reason\":\"" + reason + "\"}";
        return TaskSubmitted.forWorkflow(taskId, WORKFLOW, input);
    }

    private static String submit(String label, int amount, String reason) {
        String taskId = label + "-" + UUID.randomUUID();
        mesh.submit(task(taskId, amount, reason));
        return taskId;
    }

    private static RunResult result(String taskId) {
        return mesh.awaitResult(taskId, WAIT);
    }

    private static List<StepEvent> steps(String runId, int count) {
        return await().atMost(Duration.ofSeconds(30)).until(() -> mesh.kafka.readAll(Topics.STEPS, r -> runId.equals(r.key()))
                .stream().map(r -> Json.decode(r.value(), StepEvent.class))
                .sorted(Comparator.comparing(StepEvent::occurredAt)).toList(), l -> l.size() >= count);
    }

    private static List<StepEvent> refundSteps(String runId) {
        return mesh.kafka.readAll(Topics.STEPS, r -> runId.equals(r.key())).stream()
                .map(r -> Json.decode(r.value(), StepEvent.class))
                .filter(s -> s.action() instanceof Action.ToolCall c && c.tool().equals("refund"))
                .sorted(Comparator.comparing(StepEvent::occurredAt)).toList();
    }

    private static ReviewRequest review(String taskId) {
        try {
            return await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> mesh.kafka
                    .readAll(Topics.REVIEW_REQUESTS, r -> true).stream()
                    .map(r -> Json.decode(r.value(), ReviewRequest.class)).filter(q -> q.taskId().equals(taskId)).toList(),
                    l -> !l.isEmpty()).get(0);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no review for " + taskId + "\nexecutor log:\n" + mesh.logTail("executor"), e);
        }
    }

    /** Calls the executor's REST API with the mesh's API key; fails on an error status. */
    private JsonNode rest(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mesh.port("executor") + path))
                .header("X-API-Key", RunningMesh.API_KEY).timeout(Duration.ofSeconds(30));
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(method + " " + path + ": " + response.body()).isBetween(200, 299);
        return Json.mapper().readTree(response.body());
    }

    /** The data of the executor's {@code agent-config} readiness check. */
    private JsonNode configHealth() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + mesh.port("executor")
                + "/q/health/ready")).GET().build(), HttpResponse.BodyHandlers.ofString());
        for (JsonNode check : Json.mapper().readTree(response.body()).path("checks")) {
            if (check.path("name").asText().equals("agent-config")) {
                return check.path("data");
            }
        }
        throw new AssertionError("no agent-config check in " + response.body());
    }
}
