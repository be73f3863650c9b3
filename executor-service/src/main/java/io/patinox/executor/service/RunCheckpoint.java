package io.patinox.executor.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ReviewDecision;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.json.OptionalField;
import io.patinox.executor.ai.ChatEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A run's state after its last validated step, kept in the compacted topic {@code patinox.runs}
 * (key: taskId) so that a task redelivered after a crash resumes where it was, and a finished task is
 * never run twice. Internal to the executor: no other service reads it.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param taskId the task
 * @param runId the run; a resumed run keeps it
 * @param state running (resumable) or done (the result is final)
 * @param task the task as submitted
 * @param proposals model calls so far, retries included
 * @param stepIndex the index of the next step
 * @param retries retries of the next step so far
 * @param usage tokens and cost so far
 * @param history the run's working memory so far
 * @param toolOutputs tool outputs so far
 * @param startedAt when the run first started
 * @param result the result, when done
 * @param occurredAt when this checkpoint was taken
 * @param toolInFlight a validated call of a tool that is not {@linkplain io.patinox.executor.tools.Tool#idempotent()
 *        idempotent}, about to run at {@code stepIndex}; null once its step is recorded. A run resumed
 *        from such a checkpoint does not repeat the call: it ends for human review.
 * @param workflow for a workflow's run: the outputs of its finished steps and the step in progress (whose agent
 *        loop the fields above describe)
 * @param review the step waiting for a person (state {@code SUSPENDED}), or, once decided, the decision that
 *        the resumed run applies first
 */
public record RunCheckpoint(int schemaVersion, String taskId, String runId, State state, TaskSubmitted task,
        int proposals, int stepIndex, int retries, Usage usage, List<ChatEntry> history,
        List<String> toolOutputs, Instant startedAt, @OptionalField RunResult result, Instant occurredAt,
        @OptionalField Action.ToolCall toolInFlight, @OptionalField WorkflowProgress workflow,
        @OptionalField PendingReview review) {

    /** The version of this record's schema. */
    public static final int SCHEMA_VERSION = 1;

    /** Whether the run can still go on: running (resumable), suspended (waiting for a reviewer), done. */
    public enum State {
        RUNNING,
        DONE,
        SUSPENDED
    }

    /**
     * Where a workflow's run is.
     *
     * @param done by step path ({@code triage}, {@code checks/fraud}, {@code retry#2/draft}): the output and
     *        verdict of every finished step; a resumed run does not run them again
     * @param active the path of the agent or tool step in progress, or null between steps
     * @param activeProposals the run's proposals when the active step started (its budget and replay count from there)
     * @param activeUsage the run's usage when the active step started
     */
    public record WorkflowProgress(Map<String, DoneStep> done, @OptionalField String active, int activeProposals,
            @OptionalField Usage activeUsage) {
        public WorkflowProgress {
            done = done == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(done));
            activeUsage = activeUsage == null ? Usage.NONE : activeUsage;
        }
    }

    /** A finished workflow step: its output (JSON) and the kind of its last verdict. */
    public record DoneStep(JsonNode output, @OptionalField String verdict) {
    }

    /**
     * A step waiting for a person.
     *
     * @param reviewId the review (its request went to {@code patinox.review.requests})
     * @param step the workflow step path, when in a workflow
     * @param agent the agent (or workflow, for a tool step) whose step waits
     * @param policy the policy that diverted it
     * @param stepIndex the step's index
     * @param action the pending action
     * @param reason the validator's reason
     * @param expiresAt when the policy's time limit ends the wait
     * @param onTimeout what the time limit decides
     * @param decision the decision, once taken (state is then {@code RUNNING})
     */
    public record PendingReview(String reviewId, @OptionalField String step, String agent, String policy, int stepIndex,
            Action action, String reason, Instant expiresAt, ReviewDecision.Kind onTimeout,
            @OptionalField ReviewDecision decision) {
        public PendingReview {
            Objects.requireNonNull(reviewId, "reviewId");
            Objects.requireNonNull(action, "action");
            Objects.requireNonNull(expiresAt, "expiresAt");
        }

        /** This review, decided. */
        public PendingReview decided(ReviewDecision d) {
            return new PendingReview(reviewId, step, agent, policy, stepIndex, action, reason, expiresAt, onTimeout, d);
        }
    }

    /** A checkpoint with no tool in flight. */
    public RunCheckpoint(int schemaVersion, String taskId, String runId, State state, TaskSubmitted task, int proposals,
            int stepIndex, int retries, Usage usage, List<ChatEntry> history, List<String> toolOutputs,
            Instant startedAt, RunResult result, Instant occurredAt) {
        this(schemaVersion, taskId, runId, state, task, proposals, stepIndex, retries, usage, history, toolOutputs,
                startedAt, result, occurredAt, null, null, null);
    }

    /** This checkpoint, marking {@code call} as about to run, written at {@code at}. */
    public RunCheckpoint withToolInFlight(Action.ToolCall call, Instant at) {
        return new RunCheckpoint(schemaVersion, taskId, runId, state, task, proposals, stepIndex, retries, usage, history,
                toolOutputs, startedAt, result, at, call, workflow, review);
    }

    /** This checkpoint as the state of {@code task}, a workflow's task, at {@code progress}. */
    public RunCheckpoint inWorkflow(TaskSubmitted task, WorkflowProgress progress) {
        return new RunCheckpoint(schemaVersion, taskId, runId, state, task, proposals, stepIndex, retries, usage, history,
                toolOutputs, startedAt, result, occurredAt, toolInFlight, progress, review);
    }

    /** This checkpoint, suspended on {@code pending}. */
    public RunCheckpoint suspended(PendingReview pending) {
        return new RunCheckpoint(schemaVersion, taskId, runId, State.SUSPENDED, task, proposals, stepIndex, retries, usage,
                history, toolOutputs, startedAt, null, occurredAt, null, workflow, pending);
    }

    /** This suspended checkpoint, running again with {@code decision} to apply first, written at {@code at}. */
    public RunCheckpoint resumed(ReviewDecision decision, Instant at) {
        return new RunCheckpoint(schemaVersion, taskId, runId, State.RUNNING, task, proposals, stepIndex, retries, usage,
                history, toolOutputs, startedAt, null, at, null, workflow, review.decided(decision));
    }

    /**
     * This checkpoint as the journal keeps it in memory: a finished run's working memory (history, tool outputs) is
     * only ever read to resume a run, so the journal, which holds every task of its retention, drops it for a run
     * that is done (docs/adr/0020-memory-budgets.md). Any other checkpoint as it is.
     */
    public RunCheckpoint kept() {
        if (state != State.DONE || (history.isEmpty() && toolOutputs.isEmpty())) {
            return this;
        }
        return new RunCheckpoint(schemaVersion, taskId, runId, state, task, proposals, stepIndex, retries, usage,
                List.of(), List.of(), startedAt, result, occurredAt, toolInFlight, workflow, review);
    }

    public RunCheckpoint {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(runId, "runId");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(task, "task");
        usage = usage == null ? Usage.NONE : usage;
        history = history == null ? List.of() : List.copyOf(history);
        toolOutputs = toolOutputs == null ? List.of() : List.copyOf(toolOutputs);
        if (state == State.DONE) {
            Objects.requireNonNull(result, "result");
            toolInFlight = null;
        }
        if (state == State.SUSPENDED) {
            Objects.requireNonNull(review, "review");
        }
    }
}
