package io.patinox.executor.service;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.json.OptionalField;
import io.patinox.executor.ai.ChatEntry;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A run's state after its last validated step, kept in the compacted topic {@code patinox.runs}
 * (key: taskId) so that a task redelivered after a crash resumes where it was, and a finished task is
 * never run twice. Internal to the executor: no other service reads it.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param taskId        the task
 * @param runId         the run; a resumed run keeps it
 * @param state         running (resumable) or done (the result is final)
 * @param task          the task as submitted
 * @param proposals     model calls so far, retries included
 * @param stepIndex     the index of the next step
 * @param retries       retries of the next step so far
 * @param usage         tokens and cost so far
 * @param history       the run's working memory so far
 * @param toolOutputs   tool outputs so far
 * @param startedAt     when the run first started
 * @param result        the result, when done
 * @param occurredAt    when this checkpoint was taken
 * @param toolInFlight  a validated call of a tool that is not {@linkplain io.patinox.executor.tools.Tool#idempotent()
 *                      idempotent}, about to run at {@code stepIndex}; null once its step is recorded. A run resumed
 *                      from such a checkpoint does not repeat the call: it ends for human review.
 */
public record RunCheckpoint(int schemaVersion, String taskId, String runId, State state, TaskSubmitted task,
                            int proposals, int stepIndex, int retries, Usage usage, List<ChatEntry> history,
                            List<String> toolOutputs, Instant startedAt, @OptionalField RunResult result, Instant occurredAt,
                            @OptionalField Action.ToolCall toolInFlight) {

    /** The version of this record's schema. */
    public static final int SCHEMA_VERSION = 1;

    /** Whether the run can still go on. */
    public enum State {
        RUNNING, DONE
    }

    /** A checkpoint with no tool in flight. */
    public RunCheckpoint(int schemaVersion, String taskId, String runId, State state, TaskSubmitted task, int proposals,
                         int stepIndex, int retries, Usage usage, List<ChatEntry> history, List<String> toolOutputs,
                         Instant startedAt, RunResult result, Instant occurredAt) {
        this(schemaVersion, taskId, runId, state, task, proposals, stepIndex, retries, usage, history, toolOutputs,
                startedAt, result, occurredAt, null);
    }

    /** This checkpoint, marking {@code call} as about to run, written at {@code at}. */
    public RunCheckpoint withToolInFlight(Action.ToolCall call, Instant at) {
        return new RunCheckpoint(schemaVersion, taskId, runId, state, task, proposals, stepIndex, retries, usage, history,
                toolOutputs, startedAt, result, at, call);
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
    }
}
