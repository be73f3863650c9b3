package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.deploy.local.LocalBroker;
import io.patinox.deploy.local.TopicSetup;
import io.patinox.launcher.Processes;
import io.patinox.launcher.ServiceSpec;
import io.patinox.testkit.TestKafka;
import io.patinox.testkit.TestValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Kills the packaged executor (SIGKILL) in the middle of a run and starts it again: the task, never acknowledged, is
 * redelivered, and the run resumes from its last checkpoint with the same run id; the step validated before the crash
 * is neither proposed nor run again.
 *
 * <p>
 * The executor alone, with the test playing the validator ({@link TestValidator}) so that it can hold the second
 * step's verdict back until the kill, on a broker of its own (the shared mesh's validator would answer too), and with
 * the executor's test agents ({@code executor-service/src/test/resources/config}: agent {@code calc} and the scripted
 * model's script). It runs beside the shared mesh's classes.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(3)
class ExecutorCrashIT {

    private static final Path ROOT = Path.of(System.getProperty("patinox.home", "../../..")).toAbsolutePath().normalize();
    private static LocalBroker broker;
    private static TestKafka kafka;
    private static Process executor;
    private static TestValidator validator;

    @BeforeAll
    static void startBroker() {
        broker = LocalBroker.start(LocalBroker.Options.ephemeral());
        TopicSetup.ensureAll(broker.bootstrapServers());
        kafka = TestKafka.on(broker.bootstrapServers());
    }

    @AfterAll
    static void stop() {
        if (executor != null) {
            executor.destroyForcibly();
        }
        if (validator != null) {
            validator.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void aRunInterruptedByACrashResumesAfterTheRestart() throws Exception {
        validator = TestValidator.against(kafka);
        String taskId = "crash-" + UUID.randomUUID();
        AtomicBoolean crashed = new AtomicBoolean();
        // Step 0 (the calculator) is allowed; step 1 gets no answer until the executor was killed.
        validator.on(taskId, r -> r.stepIndex() == 0 || crashed.get()
                ? TestValidator.Answer.now(Verdict.allow())
                : TestValidator.Answer.silent());
        Path work = Files.createDirectories(ROOT.resolve("deploy/local/mesh-it/target/crash-it"));
        ServiceSpec spec = ServiceSpec.named("executor").onPort(RunningMesh.freePort());

        executor = start(spec, work, 1);
        kafka.send(Topics.TASKS, taskId, TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));
        Awaitility.await().atMost(Duration.ofSeconds(60))
                .until(() -> validator.seen(taskId).stream().anyMatch(s -> s.request().stepIndex() == 1));
        executor.destroyForcibly().waitFor();
        crashed.set(true);

        executor = start(spec, work, 2);
        List<RunResult> results = kafka.await(Topics.RESULTS, taskId, RunResult.class, 1, Duration.ofSeconds(120));
        assertThat(results).hasSize(1);
        RunResult result = results.get(0);
        assertThat(result.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("6 × 7 = 42.");
        List<StepEvent> steps = kafka.await(Topics.STEPS, result.runId(), StepEvent.class, 3, Duration.ofSeconds(5));
        assertThat(steps).as("one event per step, both under the run id of the first start")
                .extracting(StepEvent::stepIndex).containsExactlyInAnyOrder(0, 1);
        assertThat(steps).allSatisfy(s -> assertThat(s.outcome()).isEqualTo(StepOutcome.EXECUTED));
        assertThat(validator.seen(taskId)).extracting(s -> s.request().stepIndex()).containsExactly(0, 1, 1);
        assertThat(validator.seen(taskId)).extracting(s -> s.request().runId()).containsOnly(result.runId());
    }

    private static Process start(ServiceSpec spec, Path work, int incarnation) {
        Map<String, String> properties = new java.util.HashMap<>(spec.stateProperties(work.resolve("state")));
        properties.put("kafka.bootstrap.servers", broker.bootstrapServers());
        properties.put("patinox.config.dir", ROOT.resolve("executor-service/src/test/resources/config").toString());
        // A killed member must leave the group quickly so the restarted one gets the task again.
        properties.put("mp.messaging.incoming.tasks.session.timeout.ms", "6000");
        properties.put("mp.messaging.incoming.tasks.heartbeat.interval.ms", "1000");
        // The test's validator answers the warm-up too; a few requests show it works (docs/adr/0021-warm-request-path.md).
        properties.put("patinox.executor.validation.warm-up-requests", "20");
        Path log = work.resolve("executor-" + incarnation + ".log");
        Process p = Processes.startService(ROOT, spec, properties, RunningMesh.TEST_JVM_OPTIONS, log);
        Processes.awaitReady(spec, p.toHandle(), log, Duration.ofSeconds(120), System.out::println);
        return p;
    }
}
