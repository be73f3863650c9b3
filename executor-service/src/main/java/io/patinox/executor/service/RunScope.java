package io.patinox.executor.service;

import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.executor.ai.ChatEntry;
import java.time.Instant;
import java.util.List;

/**
 * One run of a task, as its loops, step events and checkpoints name it.
 *
 * @param task the task; in a workflow's agent step, that step's task (the step's agent and input)
 * @param runId the run; a resumed run keeps it
 * @param configVersion the config version the run's steps are stamped with
 * @param startedAt when the run first started; its wall-time budget counts from here
 */
record RunScope(TaskSubmitted task, String runId, String configVersion, Instant startedAt) {

    /** This run, working on {@code stepTask} (a workflow's agent step). */
    RunScope forTask(TaskSubmitted stepTask) {
        return new RunScope(stepTask, runId, configVersion, startedAt);
    }

    /** A running checkpoint of this run at {@code progress}, taken at {@code at}. */
    RunCheckpoint checkpoint(RunLoop.Progress progress, int retries, List<ChatEntry> history, List<String> toolOutputs,
            Instant at) {
        return new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, task.taskId(), runId, RunCheckpoint.State.RUNNING, task,
                progress.proposals(), progress.stepIndex(), retries, progress.usage(), history, toolOutputs, startedAt, null,
                at);
    }
}
