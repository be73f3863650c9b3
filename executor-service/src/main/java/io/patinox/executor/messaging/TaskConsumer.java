package io.patinox.executor.messaging;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.executor.admission.Admission;
import io.patinox.executor.admission.Refusal;
import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.service.RefusedRuns;
import io.patinox.executor.service.RunExecutor;
import io.patinox.executor.service.RunJournal;
import io.patinox.executor.service.RunStore;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes tasks and runs them on the bounded {@code executor-runs} worker pool. A record that is not a
 * valid {@code TaskSubmitted} never gets here: the channel's deserializer refuses it and the dead-letter-queue
 * strategy parks it in {@code patinox.dlq.tasks} with its original bytes and the reason; the partition goes on.
 * A task is then admitted ({@link Admission}): one over the size limits is parked the same way, with the limit as
 * the reason; one over a quota ends at once with a result naming the quota. A task already seen (a redelivery, a
 * run to resume) is not counted again.
 */
@ApplicationScoped
public class TaskConsumer {

    /** Incoming channel of tasks ({@code patinox.tasks}). */
    public static final String TASKS = "tasks";

    /** A task refused before its run: the dead-letter strategy parks it with this message as the reason. */
    public static final class TaskRefused extends RuntimeException {
        public TaskRefused(String message) {
            super(message, null, false, false);
        }
    }

    @Inject
    RunExecutor executor;
    @Inject
    Admission admission;
    @Inject
    RefusedRuns refused;
    @Inject
    RunJournal journal;
    @Inject
    RunStore runs;
    @Inject
    ExecutorConfig config;

    /** Runs one task; the record is acknowledged when the run has ended. */
    @Incoming(TASKS)
    @Blocking(value = "executor-runs", ordered = false)
    public void onTask(TaskSubmitted task) {
        // A tombstone: nothing to run, parked like any record that is not a task.
        Payloads.required(task, TaskSubmitted.class);
        if (!seenBefore(task.taskId())) {
            Optional<Refusal> refusal = admission.fromKafka(task);
            if (refusal.isPresent()) {
                if (refusal.get().kind() == Refusal.Kind.TOO_LARGE) {
                    throw new TaskRefused(refusal.get().message());
                }
                refused.refuse(task, refusal.get().message());
                return;
            }
        }
        try {
            Optional<RunResult> result = executor.run(task);
            if (!config.runs().journal()) {
                // Without the journal nobody reads the results back: count this run's usage here.
                result.ifPresent(admission::ended);
            }
        } finally {
            admission.withdrawn(task.taskId());
        }
    }

    /** Whether this task id was run, refused or started before, here or (per the journal) anywhere. */
    private boolean seenBefore(String taskId) {
        journal.awaitLoaded(config.runs().loadTimeout());
        return runs.find(taskId).isPresent() || journal.find(taskId).isPresent() || journal.published(taskId).isPresent();
    }
}
