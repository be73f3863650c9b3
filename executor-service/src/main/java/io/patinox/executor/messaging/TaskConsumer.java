package io.patinox.executor.messaging;

import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.executor.service.RunExecutor;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes tasks and runs them on the bounded {@code executor-runs} worker pool. A record that is not a
 * valid {@code TaskSubmitted} never gets here: the channel's deserializer refuses it and the dead-letter-queue
 * strategy parks it in {@code patinox.dlq.tasks} with its original bytes and the reason; the partition goes on.
 */
@ApplicationScoped
public class TaskConsumer {

    /** Incoming channel of tasks ({@code patinox.tasks}). */
    public static final String TASKS = "tasks";

    @Inject
    RunExecutor executor;

    /** Runs one task; the record is acknowledged when the run has ended. */
    @Incoming(TASKS)
    @Blocking(value = "executor-runs", ordered = false)
    public void onTask(TaskSubmitted task) {
        if (task == null) {
            // A tombstone: nothing to run, parked like any record that is not a task.
            throw new ContractViolation("empty message in TaskSubmitted", null, null);
        }
        executor.run(task);
    }
}
