package io.patinox.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patinox.analyzer.service.Scope;
import io.patinox.analyzer.service.Tally;
import io.patinox.analyzer.service.Windowing;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once across failures, against the real broker: while events stream in, the stream thread crashes
 * mid-transaction, later the whole instance stops while more events arrive, and a new one starts with an empty
 * state directory (restoring from the changelogs). Every event is counted exactly once, in the agent's and the
 * tool's totals, and no over-count is ever published. The topology runs in its own Kafka Streams instances here (the service's
 * settings, another
 * application id); {@code @QuarkusTest} only so that it shares the test JVM's broker.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class RestartWithoutDoubleCountingTest {

    private static final int RUNS = 200;
    private static final int STEPS_PER_RUN = 3;
    /**
     * Two tallies in memory per store while each event touches six: changed tallies are constantly evicted (and
     * saved) between commits, so the crash also hits that path.
     */
    private static final Windowing TINY_CACHE = new Windowing(StreamsInstance.WINDOWING.windows(),
            StreamsInstance.WINDOWING.grace(), StreamsInstance.WINDOWING.retention(),
            StreamsInstance.WINDOWING.emitInterval(), StreamsInstance.WINDOWING.digits(), 2);

    @Test
    void countsEveryEventOnceAcrossACrashAndARestart() throws Exception {
        String agent = "restart-" + UUID.randomUUID().toString().substring(0, 8);
        String groupKey = agent + "|v1";
        String subject = "agent=" + agent + "|version=v1|window=total";
        String applicationId = "restart-test-" + UUID.randomUUID();
        Path stateRoot = Path.of("target", "restart-test", applicationId);
        AtomicLong seen = new AtomicLong();
        AtomicBoolean crashed = new AtomicBoolean();

        Thread firstHalf = publisher(agent, 0, RUNS / 2);
        firstHalf.start();
        try (var aggregates = TestKafka.shared().follow(Topics.AGGREGATES)) {
            Thread secondHalf = publisher(agent, RUNS / 2, RUNS);
            long countedBeforeRestart;
            try (var first = new StreamsInstance(applicationId, stateRoot.resolve("a"), event -> {
                if (event instanceof StepEvent s && s.agent().equals(agent)
                        && seen.incrementAndGet() == RUNS / 4 && !crashed.getAndSet(true)) {
                    throw new IllegalStateException("injected crash in the middle of a transaction");
                }
            }, TINY_CACHE)) {
                await().atMost(Duration.ofSeconds(90)).until(() -> {
                    Tally t = first.total(groupKey);
                    return crashed.get() && t != null && t.runs() >= RUNS / 4;
                });
                // The second half arrives while this instance stops and the next one starts.
                secondHalf.start();
                Tally t = first.total(groupKey);
                countedBeforeRestart = t == null ? 0 : t.steps();
            }
            assertThat(countedBeforeRestart).as("the restart happens mid-stream")
                    .isLessThan((long) RUNS * STEPS_PER_RUN);
            try (var second = new StreamsInstance(applicationId, stateRoot.resolve("b"), event -> {
            }, TINY_CACHE)) {
                firstHalf.join(120_000);
                secondHalf.join(120_000);
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> {
                    Tally t = second.total(groupKey);
                    assertThat(t).isNotNull();
                    assertThat(t.steps()).isEqualTo((long) RUNS * STEPS_PER_RUN);
                    assertThat(t.runs()).isEqualTo(RUNS);
                    Tally tool = second.total(groupKey, Scope.tool("lookup"));
                    assertThat(tool).isNotNull();
                    assertThat(tool.steps()).isEqualTo((long) RUNS * STEPS_PER_RUN);
                    assertThat(tool.runs()).isZero();
                });
                // Everything this subject ever published (committed): never more than was sent, and in the end
                // exactly that.
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                    aggregates.poll();
                    TelemetryAggregate last = aggregates.latest(subject, TelemetryAggregate.class);
                    assertThat(last).isNotNull();
                    assertThat(last.steps()).isEqualTo((long) RUNS * STEPS_PER_RUN);
                    assertThat(last.runs()).isEqualTo(RUNS);
                });
                long maxPublished = aggregates.values(subject, TelemetryAggregate.class).stream()
                        .mapToLong(TelemetryAggregate::steps).max().orElseThrow();
                assertThat(maxPublished).isEqualTo((long) RUNS * STEPS_PER_RUN);
            }
        }
        assertThat(crashed).isTrue();
    }

    private static Thread publisher(String agent, int fromRun, int toRun) {
        return new Thread(() -> {
            var kafka = TestKafka.shared();
            for (int run = fromRun; run < toRun; run++) {
                String runId = agent + "-" + run;
                for (int i = 0; i < STEPS_PER_RUN; i++) {
                    kafka.send(Topics.STEPS, runId, TestEvents.step(agent, "v1", runId, i, Verdict.allow(),
                            StepOutcome.EXECUTED, VerdictSource.VALIDATOR, new Usage(1, 1, 0), 10, 10, 10,
                            Instant.now()));
                }
                kafka.send(Topics.RESULTS, "task-" + runId,
                        TestEvents.result(agent, "v1", runId, RunStatus.COMPLETED, Instant.now()));
            }
        }, "restart-test-publisher-" + fromRun);
    }
}
