package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import io.patinox.testkit.TestKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Bad input against the running mesh: poison records on every consumed topic, a task published twice. Each test
 * leaves the mesh running and healthy for the tests after it, and each is bounded in time. Services killed under load:
 * {@link KillUnderLoadIT}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(8)
class ReliabilityIT extends OnSharedMesh {

    private static final Duration RESULT_TIMEOUT = Duration.ofSeconds(120);
    /** Tasks in flight when a service is killed: enough that some are mid-run, few enough for two cores. */
    private static final int LOAD = 30;

    /** What each consumed topic's consumer must do with records it cannot read: its dead-letter topic. */
    private static final List<String> POISONED = List.of(Topics.TASKS, Topics.VALIDATION_REQUESTS,
            Topics.VALIDATION_REPLIES, Topics.STEPS, Topics.RESULTS, Topics.AGGREGATES);

    @Test
    @Order(1)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void poisonOnEveryConsumedTopicIsDeadLetteredWithItsReasonAndProcessingGoesOn() {
        String prefix = "poison-" + UUID.randomUUID();
        Map<String, byte[]> kinds = new HashMap<>();
        kinds.put("not-json", "{this is not json".getBytes(StandardCharsets.UTF_8));
        kinds.put("wrong-schema", "{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8));
        kinds.put("wrong-shape", "[1, 2, 3]".getBytes(StandardCharsets.UTF_8));
        byte[] oversized = new byte[700 * 1024];
        Arrays.fill(oversized, (byte) 'x');
        kinds.put("oversized", oversized);
        Instant before = Instant.now();
        for (String topic : POISONED) {
            kinds.forEach((kind, value) -> mesh.kafka.sendRaw(topic, prefix + "|" + topic + "|" + kind, value));
        }
        // The mesh still runs tasks, counts them and hands aggregates to evolution.
        String good = "after-poison-" + UUID.randomUUID();
        submit(List.of(TaskSubmitted.of(good, "support", "What is 17 * 23?")));
        assertThat(awaitResults(List.of(good)).get(good).status()).isEqualTo(RunStatus.COMPLETED);

        for (String topic : POISONED) {
            String dlq = Topics.dlq(topic);
            List<ConsumerRecord<String, byte[]>> dead = await().atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(1))
                    .until(() -> mesh.kafka.readAll(dlq,
                            r -> r.key() != null && r.key().startsWith(prefix + "|" + topic + "|")),
                            l -> l.stream().map(ConsumerRecord::key).distinct().count() == kinds.size());
            for (ConsumerRecord<String, byte[]> r : dead) {
                String kind = r.key().substring(r.key().lastIndexOf('|') + 1);
                String reason = TestKafka.header(r, ReplyHeaders.DEAD_LETTER_REASON);
                assertThat(reason).as("reason for %s on %s", kind, topic).isNotBlank();
                assertThat(r.value()).as("the original bytes of %s on %s are kept", kind, topic).isEqualTo(kinds.get(kind));
                assertThat(reason).as("the reason never quotes the record").doesNotContain("xxxxxxxxxx", "this is not json");
                if (kind.equals("wrong-schema")) {
                    assertThat(reason).contains("schemaVersion");
                }
            }
        }
        // The analyzer went past the poison: the good task's steps are in a total computed after it.
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1))
                .until(() -> mesh.kafka.readAll(Topics.AGGREGATES, r -> r.key() != null && r.key().contains("agent=support"))
                        .stream()
                        .map(r -> Json.decode(r.value(), io.patinox.contracts.events.TelemetryAggregate.class))
                        .anyMatch(a -> a.occurredAt().isAfter(before) && a.window().equals("total")));
    }

    @Test
    @Order(2)
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void aTaskPublishedTwiceEndsOnce() {
        String taskId = "twice-" + UUID.randomUUID();
        TaskSubmitted task = TaskSubmitted.of(taskId, "support", "What is 17 * 23?");
        submit(List.of(task, task));
        awaitResults(List.of(taskId));
        // A second run would have ended within this time.
        sleep(Duration.ofSeconds(5));
        assertThat(mesh.kafka.readAll(Topics.RESULTS, r -> taskId.equals(r.key()))).hasSize(1);
    }

    // --- helpers

    private static void submit(List<TaskSubmitted> tasks) {
        mesh.submit(tasks.toArray(TaskSubmitted[]::new));
    }

    private static Map<String, RunResult> awaitResults(List<String> taskIds) {
        return mesh.awaitResults(taskIds, RESULT_TIMEOUT);
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
