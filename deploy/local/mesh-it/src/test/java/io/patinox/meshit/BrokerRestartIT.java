package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.launcher.MeshClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Restarts the broker while tasks flow: an executor and a validator run as processes against a broker of
 * their own (persistent data directory, fixed ports), a client keeps publishing tasks with idempotence and
 * {@code acks=all}, the broker stops and starts again. Every task the broker acknowledged ends with exactly
 * one result; no step runs without a verdict.
 */
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock(OwnBrokerMesh.LOCK)
@Order(4)
class BrokerRestartIT {

    private static final int TASKS = 40;
    private static final Duration OUTAGE = Duration.ofSeconds(4);
    private static OwnBrokerMesh own;
    private static RunningMesh mesh;

    @BeforeAll
    static void start() {
        own = OwnBrokerMesh.get();
        mesh = own.mesh;
    }

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void noAcceptedTaskIsLostWhenTheBrokerRestartsUnderLoad() throws Exception {
        List<String> accepted = new CopyOnWriteArrayList<>();
        List<String> refused = new CopyOnWriteArrayList<>();
        Thread load = new Thread(() -> {
            try (MeshClient client = MeshClient.open(mesh.bootstrap)) {
                for (int i = 0; i < TASKS; i++) {
                    String taskId = "restart-" + i + "-" + UUID.randomUUID();
                    try {
                        // Returns once the broker acknowledged the task (acks=all, idempotent producer).
                        client.submit(TaskSubmitted.of(taskId, "support", "What is " + (10 + i) + " * 23?"));
                        accepted.add(taskId);
                    } catch (IllegalStateException e) {
                        refused.add(taskId);
                    }
                    Thread.sleep(100);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "broker-restart-load");
        load.start();
        Thread.sleep(1500);
        own.stopBroker();
        Thread.sleep(OUTAGE.toMillis());
        own.startBroker();
        load.join(TimeUnit.MINUTES.toMillis(3));
        assertThat(load.isAlive()).isFalse();
        assertThat(accepted).as("tasks acknowledged by the broker").isNotEmpty();
        System.out.printf("broker restart: %d task(s) accepted, %d refused by the client%n", accepted.size(), refused.size());

        Map<String, List<RunResult>> results = new HashMap<>();
        try {
            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(2)).until(() -> {
                results.clear();
                mesh.kafka.readAll(Topics.RESULTS, r -> r.key() != null && accepted.contains(r.key()))
                        .forEach(r -> results.computeIfAbsent(r.key(), k -> new ArrayList<>())
                                .add(Json.decode(r.value(), RunResult.class)));
                return results.size() == accepted.size();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            List<String> missing = accepted.stream().filter(id -> !results.containsKey(id)).toList();
            throw new AssertionError(missing.size() + " accepted task(s) without a result: " + missing
                    + "\nexecutor log:\n" + mesh.logTail("executor"), e);
        }
        Thread.sleep(5000);
        Map<String, Long> perTask = mesh.kafka.readAll(Topics.RESULTS, r -> r.key() != null && accepted.contains(r.key()))
                .stream().collect(Collectors.groupingBy(ConsumerRecord::key, Collectors.counting()));
        assertThat(perTask).as("one result per accepted task").hasSize(accepted.size())
                .allSatisfy((task, count) -> assertThat(count).as(task).isEqualTo(1L));
        Map<RunStatus, Long> statuses = results.values().stream().map(l -> l.get(0).status())
                .collect(Collectors.groupingBy(s -> s, Collectors.counting()));
        System.out.println("broker restart: run statuses " + statuses);
        results.values().stream().map(l -> l.get(0)).filter(r -> r.status() != RunStatus.COMPLETED)
                .forEach(r -> assertThat(r.reason()).as(r.taskId() + " says why it did not complete").isNotBlank());

        var runIds = results.values().stream().map(l -> l.get(0).runId()).collect(Collectors.toSet());
        List<StepEvent> steps = mesh.kafka.readAll(Topics.STEPS, r -> r.key() != null && runIds.contains(r.key()))
                .stream().map(r -> Json.decode(r.value(), StepEvent.class)).toList();
        assertThat(steps).filteredOn(s -> s.outcome() == StepOutcome.EXECUTED)
                .allSatisfy(s -> assertThat(s.verdictSource()).isEqualTo(VerdictSource.VALIDATOR));
        // After the restart the mesh works as before.
        RunResult after = await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            String taskId = "after-restart-" + UUID.randomUUID();
            mesh.submit(TaskSubmitted.of(taskId, "support", "What is 17 * 23?"));
            return mesh.awaitResult(taskId, Duration.ofSeconds(30));
        }, r -> r.status() == RunStatus.COMPLETED);
        assertThat(after.answer()).contains("391");
    }
}
