package io.patinox.executor.messaging;

import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.contracts.json.Json;
import io.patinox.executor.service.RunExecutor;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes tasks and runs them on the bounded {@code executor-runs} worker pool. A record that is not a
 * valid {@code TaskSubmitted} throws a {@code ContractViolation}: SmallRye nacks it and the
 * dead-letter-queue strategy parks it in {@code patinox.dlq.tasks} with the reason; the partition goes on.
 */
@ApplicationScoped
public class TaskConsumer {

    /** Incoming channel of tasks ({@code patinox.tasks}). */
    public static final String TASKS = "tasks";

    @Inject
    RunExecutor executor;

    /** Decodes and runs one task; the record is acknowledged when the run has ended. */
    @Incoming(TASKS)
    @Blocking(value = "executor-runs", ordered = false)
    public void onTask(byte[] payload) {
        TaskSubmitted task;
        try {
            task = Json.decode(payload, TaskSubmitted.class);
        } catch (ContractViolation e) {
            // The decoder's message quotes the record (the user's prompt): log and dead-letter a redacted one.
            throw new ContractViolation(LogSafe.message(e.getMessage()), e.field(), null); // no cause: it quotes too
        }
        executor.run(task);
    }
}
