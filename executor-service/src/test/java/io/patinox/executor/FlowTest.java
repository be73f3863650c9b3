package io.patinox.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.topics.Topics;
import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.testkit.TestKafka;
import io.patinox.testkit.TestValidator;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the executor's flow tests share: tasks go in and results and step events come out through the test broker,
 * with the test playing the validator ({@link TestValidator}); each test starts once the executor's validation
 * gateway is ready.
 */
abstract class FlowTest {

    static final Duration WAIT = Duration.ofSeconds(30);
    static final TestKafka KAFKA = TestKafka.shared();

    @Inject
    ValidationGateway gateway;

    final TestValidator validator = TestValidator.get();

    @BeforeEach
    void gatewayReady() {
        Awaitility.await().atMost(WAIT).until(gateway::isReady);
    }

    static String newTaskId(String label) {
        return label + "-" + UUID.randomUUID();
    }

    static void submit(TaskSubmitted task) {
        KAFKA.send(Topics.TASKS, task.taskId(), task);
    }

    /** The one result of a task, waiting for it up to {@code wait}. */
    static RunResult result(String taskId, Duration wait) {
        List<RunResult> results = KAFKA.await(Topics.RESULTS, taskId, RunResult.class, 1, wait);
        assertThat(results).as("result of " + taskId).hasSize(1);
        return results.get(0);
    }

    static RunResult result(String taskId) {
        return result(taskId, WAIT);
    }

    /** The step events of a run, in the order they occurred, waiting for {@code count} of them. */
    static List<StepEvent> steps(String runId, int count) {
        return KAFKA.await(Topics.STEPS, runId, StepEvent.class, count, WAIT).stream()
                .sorted(Comparator.comparing(StepEvent::occurredAt)).toList();
    }
}
