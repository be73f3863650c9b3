package io.patinox.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Kills the packaged executor (SIGKILL) in the middle of a run and starts it again: the task, never
 * acknowledged, is redelivered, and the run resumes from its last checkpoint with the same run id; the
 * step validated before the crash is neither proposed nor run again.
 */
class ExecutorCrashIT {

    private Process executor;

    @AfterEach
    void stop() {
        if (executor != null) {
            executor.destroyForcibly();
        }
    }

    @Test
    void aRunInterruptedByACrashResumesAfterTheRestart() throws Exception {
        String bootstrap = KafkaBrokerResource.bootstrapServers();
        TestValidator validator = TestValidator.get();
        String taskId = "crash-" + UUID.randomUUID();
        AtomicBoolean crashed = new AtomicBoolean();
        // Step 0 (the calculator) is allowed; step 1 gets no answer until the executor was killed.
        validator.on(taskId, r -> r.stepIndex() == 0 || crashed.get()
                ? TestValidator.Answer.now(Verdict.allow())
                : TestValidator.Answer.silent());

        executor = start(bootstrap, 1);
        FlowTest.submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> validator.seen(taskId).stream().anyMatch(s -> s.request().stepIndex() == 1));
        executor.destroyForcibly().waitFor();
        crashed.set(true);

        executor = start(bootstrap, 2);
        List<RunResult> results = TestKafka.shared().await(Topics.RESULTS, taskId, RunResult.class, 1, Duration.ofSeconds(120));
        assertThat(results).hasSize(1);
        RunResult result = results.get(0);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("6 × 7 = 42.");
        List<StepEvent> steps = TestKafka.shared().await(Topics.STEPS, result.runId(), StepEvent.class, 3,
                Duration.ofSeconds(5));
        assertThat(steps).as("one event per step, both under the run id of the first start")
                .extracting(StepEvent::stepIndex).containsExactlyInAnyOrder(0, 1);
        assertThat(steps).allSatisfy(s -> assertThat(s.outcome()).isEqualTo(StepOutcome.EXECUTED));
        assertThat(validator.seen(taskId)).extracting(s -> s.request().stepIndex()).containsExactly(0, 1, 1);
        assertThat(validator.seen(taskId)).extracting(s -> s.request().runId()).containsOnly(result.runId());
    }

    private static Process start(String bootstrap, int incarnation) throws IOException {
        Path jar = Path.of("target/quarkus-app/quarkus-run.jar");
        assertThat(jar).exists();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        File log = Files.createDirectories(Path.of("target/crash-it")).resolve("executor-" + incarnation + ".log").toFile();
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // A test JVM of minutes: the quick compiler only (docs/adr/0018-short-lived-jvms-use-the-quick-compiler.md).
                "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
                "-Dkafka.bootstrap.servers=" + bootstrap,
                "-Dpatinox.config.dir=src/test/resources/config",
                "-Dquarkus.http.port=" + port,
                // A killed member must leave the group quickly so the restarted one gets the task again.
                "-Dmp.messaging.incoming.tasks.session.timeout.ms=6000",
                "-Dmp.messaging.incoming.tasks.heartbeat.interval.ms=1000",
                "-jar", jar.toString())
                .redirectErrorStream(true).redirectOutput(log).start();
        HttpClient http = HttpClient.newHttpClient();
        Awaitility.await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() -> {
            if (!p.isAlive()) {
                throw new IllegalStateException("executor exited; see " + log);
            }
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/q/health/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return p;
    }
}
