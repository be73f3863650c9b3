package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.Json;
import io.patinox.launcher.MeshClient;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The Python and TypeScript clients against the running mesh, as an external user runs them: each
 * submits a task, waits for its result and prints it as JSON, which must be a valid {@link RunResult}.
 * The Python run also streams the task's steps.
 */
@Order(2)
class ClientsIT extends OnSharedMesh {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(120);

    @BeforeAll
    static void setUp() {
        warmUp();
    }

    /**
     * A freshly started validator may miss the executor's verdict deadline on its first requests, and the
     * policy then fails closed: the clients are tested on a warm mesh, so run tasks until one completes.
     */
    private static void warmUp() {
        try (MeshClient client = MeshClient.open(mesh.bootstrap)) {
            for (int attempt = 1; attempt <= 3; attempt++) {
                TaskSubmitted task = TaskSubmitted.of("it-warm-up-" + UUID.randomUUID(), "support", "What is 17 * 23?");
                client.submit(task);
                AtomicReference<RunResult> result = new AtomicReference<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (result.get() == null && System.nanoTime() < deadline) {
                    client.poll(Duration.ofMillis(200), step -> {
                    }, r -> {
                        if (r.taskId().equals(task.taskId())) {
                            result.set(r);
                        }
                    });
                }
                System.out.printf("patinox: warm-up task %d: %s%n", attempt,
                        result.get() == null ? "no result" : result.get().status() + " " + result.get().reason());
                if (result.get() != null && result.get().status() == RunStatus.COMPLETED) {
                    return;
                }
            }
        }
    }

    @Test
    void thePythonClientSubmitsATaskAndGetsTheAnswer() {
        ClientProcess.requirePythonClient();
        String taskId = "it-python-" + UUID.randomUUID();
        var run = ClientProcess.run(ClientProcess.ROOT, Map.of(), CLIENT_TIMEOUT, ClientProcess.PYTHON,
                "clients/python/examples/submit.py", "--bootstrap", mesh.bootstrap, "--agent", "support",
                "--task-id", taskId, "--timeout", "60", "--steps", "What is 17 * 23?");
        assertCompleted(run, taskId);
        assertThat(run.stderr()).as("the steps, streamed on stderr").contains("\"tool\": \"calculator\"")
                .contains("\"type\": \"final_answer\"");
    }

    @Test
    void theTypescriptClientSubmitsATaskAndGetsTheAnswer() {
        ClientProcess.requireTypescriptClient();
        String taskId = "it-typescript-" + UUID.randomUUID();
        var run = ClientProcess.run(ClientProcess.ROOT, Map.of(), CLIENT_TIMEOUT, "node",
                "clients/typescript/dist/examples/submit.js", "--bootstrap", mesh.bootstrap, "--agent", "support",
                "--task-id", taskId, "--timeout", "60", "What is 17 * 23?");
        assertCompleted(run, taskId);
    }

    private static void assertCompleted(ClientProcess.Result run, String taskId) {
        System.out.printf("patinox: %s took %d ms%n", run.command().get(1), run.took().toMillis());
        assertThat(run.exitCode()).as(run.describe() + "\n--- executor log\n" + mesh.logTail("executor")).isZero();
        RunResult result = Json.decode(run.lastLine(), RunResult.class);
        assertThat(result.taskId()).isEqualTo(taskId);
        assertThat(result.status()).as(run.describe()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).contains("391");
        assertThat(result.configVersion()).isEqualTo(mesh.configVersion);
    }
}
