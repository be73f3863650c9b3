package io.patinox.executor.service;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.Usage;
import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.messaging.EventPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Ends a task from Kafka that is over a quota without running it: one {@code RunResult} {@code BUDGET_EXCEEDED} whose
 * reason names the quota, journaled like any result, so that a redelivery does not run it after all.
 */
@ApplicationScoped
public class RefusedRuns {

    private static final Logger LOG = Logger.getLogger(RefusedRuns.class);
    /** What the user reads; the reason says which quota. */
    static final String ANSWER = "This request was not run: a usage quota is used up. Please try again later.";

    @Inject
    EventPublisher publisher;
    @Inject
    RunStore runs;
    @Inject
    RunJournal journal;
    @Inject
    ExecutorMetrics metrics;
    @Inject
    AgentRegistry agents;
    @Inject
    Clock clock;

    /** Publishes the result of {@code task}, refused for {@code reason}; nothing for a task this instance has seen. */
    public void refuse(TaskSubmitted task, String reason) {
        String runId = UUID.randomUUID().toString();
        if (!runs.start(task.taskId(), runId, task.agent())) {
            return;
        }
        Instant now = clock.instant();
        RunResult result = new RunResult(RunResult.SCHEMA_VERSION, task.taskId(), runId, task.agent(), agents.version(),
                RunStatus.BUDGET_EXCEEDED, ANSWER, reason, 0, Usage.NONE, null, task.metadata(), now, now);
        publisher.result(result);
        try {
            journal.save(new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, task.taskId(), runId, RunCheckpoint.State.DONE,
                    task, 0, 0, 0, Usage.NONE, null, null, now, result, now));
        } catch (RuntimeException e) {
            LOG.errorf("Task %s was refused but its final checkpoint was not written: %s", task.taskId(), e.getMessage());
        }
        runs.finish(result);
        metrics.run(result);
        LOG.infof("Task %s (agent %s) not run: %s", task.taskId(), task.agent(), reason);
    }
}
