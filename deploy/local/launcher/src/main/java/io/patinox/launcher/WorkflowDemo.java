package io.patinox.launcher;

import io.patinox.contracts.events.ReviewDecision;
import io.patinox.contracts.events.ReviewRequest;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The demo's workflow part: three requests to the sample workflow {@code refund-request} (config/workflows/). One is
 * declined by the branch; one is refunded after the parallel checks; one is above the limit, so the validator sends
 * its refund to a person and the run waits, {@code SUSPENDED}, until the demo approves it as reviewer {@code demo}
 * with a decision on {@code patinox.review.decisions} — what {@code ./patinox review approve} does through the
 * executor's REST API. Every step is printed with the agent that proposed it and its verdict.
 */
public final class WorkflowDemo {

    static final String WORKFLOW = "refund-request";
    /** The sample requests: a refund, a refund above the limit, something else. */
    static final List<String> SAMPLE_INPUTS = List.of(
            "{\"orderId\":\"A-100\",\"amount\":120,\"reason\":\"The kettle arrived broken, I want my money back\"}",
            "{\"orderId\":\"A-200\",\"amount\":900,\"reason\":\"Please refund the sofa, it does not fit\"}",
            "{\"orderId\":\"A-300\",\"amount\":20,\"reason\":\"Where is my parcel?\"}");
    static final String REVIEWER = "demo";

    private final Consumer<String> out;

    public WorkflowDemo(Consumer<String> out) {
        this.out = out;
    }

    /** Runs the requests; true when every one completed in time. */
    public boolean run(String bootstrap, Duration timeout) {
        Map<String, RunResult> results = new LinkedHashMap<>();
        out.accept("Workflow '" + WORKFLOW + "': triage → branch → parallel (amount check, order history) → refund;"
                + " a refund above 500 waits for a reviewer");
        try (MeshClient client = MeshClient.open(bootstrap)) {
            List<String> ids = Demo.submitAll(client, "demo-wf-", SAMPLE_INPUTS,
                    (id, input) -> TaskSubmitted.forWorkflow(id, WORKFLOW, input), out);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (results.size() < ids.size() && System.nanoTime() < deadline) {
                client.poll(Duration.ofMillis(200), step -> {
                    if (ids.contains(step.taskId())) {
                        out.accept(describe(step));
                    }
                }, result -> {
                    if (ids.contains(result.taskId()) && results.putIfAbsent(result.taskId(), result) == null) {
                        out.accept(Demo.describe(result));
                    }
                }, review -> {
                    if (ids.contains(review.taskId())) {
                        approve(client, review);
                    }
                });
            }
        }
        out.accept(String.format("%d workflow runs, %d completed", SAMPLE_INPUTS.size(),
                results.values().stream().filter(r -> r.status() == RunStatus.COMPLETED).count()));
        return results.size() == SAMPLE_INPUTS.size()
                && results.values().stream().allMatch(r -> r.status() == RunStatus.COMPLETED);
    }

    private void approve(MeshClient client, ReviewRequest review) {
        out.accept(String.format("⏸ %s SUSPENDED at step '%s': %s — %s", review.taskId(), review.step(),
                Demo.action(review.action()), review.reason()));
        client.decide(new ReviewDecision(ReviewDecision.SCHEMA_VERSION, UUID.randomUUID().toString(), review.reviewId(),
                review.taskId(), ReviewDecision.Kind.APPROVE, null, null, REVIEWER, Instant.now()));
        out.accept("  " + review.taskId() + " approved by reviewer '" + REVIEWER + "' (review " + review.reviewId()
                + ", decision on patinox.review.decisions); the run resumes");
    }

    static String describe(StepEvent s) {
        return String.format("  %s step %d  %-14s %-44s %-6s %-9s %s", s.taskId(), s.stepIndex(), Demo.clip(s.agent(), 14),
                Demo.clip(Demo.action(s.action()), 44), s.verdict().kind(), s.outcome(), s.verdictSource());
    }
}
