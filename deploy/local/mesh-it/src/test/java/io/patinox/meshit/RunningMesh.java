package io.patinox.meshit;

import static org.awaitility.Awaitility.await;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.launcher.ConfigRepo;
import io.patinox.launcher.MeshClient;
import io.patinox.launcher.Processes;
import io.patinox.launcher.ServiceSpec;
import io.patinox.testkit.OpenAiServer;
import io.patinox.testkit.OpenAiServer.Chat;
import io.patinox.testkit.OpenAiServer.Reply;
import io.patinox.testkit.SharedTestBroker;
import io.patinox.testkit.TestKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The four packaged services running as separate processes against the test JVM's broker, with a
 * config repository that is a real git repository seeded from the repository's {@code config/}.
 */
final class RunningMesh implements AutoCloseable {

    final Path root = Path.of(System.getProperty("patinox.home", "../../..")).toAbsolutePath().normalize();
    final String bootstrap;
    final Path work;
    final Path configRepo;
    /** Distinguishes this run's files from those of other runs in the same folder. */
    final String runId = Long.toString(System.currentTimeMillis(), 36) + "-" + RUNS.incrementAndGet();
    final String configVersion;
    /** Generous: four JVMs start at once on two cores, and the validator loads its models first. */
    static final long START_TIMEOUT_S = Long.getLong("patinox.mesh.start-timeout-s", 300);
    private static RunningMesh shared;
    private static final java.util.concurrent.atomic.AtomicInteger RUNS = new java.util.concurrent.atomic.AtomicInteger();
    private final Map<String, ServiceSpec> services = new LinkedHashMap<>();
    private final Map<String, Process> processes = new LinkedHashMap<>();
    /** The feedback of the judge model's first, ungrounded verdict on an answer. */
    static final String JUDGE_FEEDBACK = "Say where the figure comes from.";
    /** The language model the validator's LLM judges ask (policy {@code llm}), answering like OpenAI's API. */
    final OpenAiServer judge;
    /** The answers the judge model has judged. */
    private final Set<String> judged = ConcurrentHashMap.newKeySet();
    /**
     * Said in a task, it asks for a figure a tool worked out: the groundedness judge holds the answer grounded only
     * when the agent ran a tool, every time it sees it (ModelDraftedEvolutionIT).
     */
    static final String FROM_A_TOOL = "Work it out with a tool.";
    /**
     * The model the evolution service drafts changes to agents with ({@code patinox.evolution.drafter.*}), answering
     * like OpenAI's API: with the patch a test planned for the agent it is asked about ({@link #draftFor}), else with
     * an HTTP 503, so that evolution keeps the rule-based drafts, as it does without a model.
     */
    final OpenAiServer drafter;
    /** The drafter model's name, as proposals name it ({@code openai/<model> at <host>}). */
    static final String DRAFTER_MODEL = "drafter-it";
    /** The patches the drafter model answers with, by agent. */
    private final Map<String, String> patches = new ConcurrentHashMap<>();
    /** The test client of this mesh's broker. */
    final TestKafka kafka;
    /**
     * A test mesh lives minutes: its services run with the quick compiler only, which costs far less CPU on two cores
     * than optimized code would earn back (docs/adr/0018-short-lived-jvms-use-the-quick-compiler.md).
     */
    static final List<String> TEST_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1");
    /** The executor's REST API key ({@code X-API-Key}), as {@code ./patinox up} hands it one. */
    static final String API_KEY = "ptx_mesh_it";

    /** The services named, against the broker at {@code bootstrap} (e.g. one a test restarts). */
    private RunningMesh(String bootstrap, List<String> names) throws IOException {
        this.bootstrap = bootstrap;
        this.kafka = TestKafka.on(bootstrap);
        this.judge = OpenAiServer.start(this::judge);
        this.drafter = OpenAiServer.start(this::draft);
        work = Files.createDirectories(root.resolve("deploy/local/mesh-it/target/mesh-it"));
        configRepo = work.resolve("config-repo-" + runId);
        // The launcher's own config repository: the evolution service pushes approved proposals to its branch.
        configVersion = withSecurityAgents(ConfigRepo.ensure(root.resolve("config"), configRepo));
        for (ServiceSpec spec : ServiceSpec.ALL) {
            if (names.contains(spec.name())) {
                services.put(spec.name(), spec.onPort(freePort()));
            }
        }
    }

    /** SecurityIT's other API keys of the front door; quotas of the flood and metered keys are small. */
    static final String FLOOD_KEY = "it-key-flood";
    static final String METERED_KEY = "it-key-metered";
    static final String VICTIM_KEY = "it-key-victim";

    /** The id the executor gives a key: {@code key-} and the first 12 hex digits of its SHA-256. */
    static String keyId(String key) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "key-" + java.util.HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds SecurityIT's agents and scripts (test resources {@code security-config/}) to the config repository, once. */
    private String withSecurityAgents(String head) {
        if (Files.exists(configRepo.resolve("agents/rogue.yaml"))) {
            return head;
        }
        Path overlay = root.resolve("deploy/local/mesh-it/src/test/resources/security-config");
        io.patinox.contracts.config.ConfigTree.copy(overlay, configRepo);
        git("add", "-A");
        git("-c", "user.name=Patinox Test", "-c", "user.email=test@localhost", "commit", "-q", "-m",
                "Agents of the security tests");
        return git("rev-parse", "HEAD");
    }

    /**
     * The judge model: the jailbreak judge hears "no jailbreak"; the groundedness judge calls an answer ungrounded
     * the first time it sees it, with feedback, and grounded after that, so a run under the {@code llm} policy meets
     * one Retry; an answer to a task that asks for the figure {@link #FROM_A_TOOL} is grounded only when a tool ran.
     * The evolution service's replay asks it too.
     */
    private Reply judge(Chat chat) {
        var verdict = Json.mapper().createObjectNode();
        if (chat.system().contains("security reviewer")) {
            verdict.put("jailbreak", false).put("score", 0.02).put("reason", "an ordinary request");
        } else if (chat.user().contains(FROM_A_TOOL)) {
            // The judge's question quotes each tool output as TOOL_OUTPUT_<n>.
            boolean sourced = chat.user().contains("<<<TOOL_OUTPUT_");
            verdict.put("grounded", sourced).put("score", sourced ? 0.95 : 0.1).put("feedback", sourced ? ""
                    : JUDGE_FEEDBACK);
            verdict.putArray("unsupported");
        } else {
            boolean first = judged.add(chat.user());
            verdict.put("grounded", !first).put("score", first ? 0.2 : 0.95).put("feedback", first ? JUDGE_FEEDBACK : "");
            verdict.putArray("unsupported");
        }
        return Reply.text(verdict.toString()).withUsage(100, 20);
    }

    /**
     * Makes the drafter model answer with {@code patchJson} (an {@code AgentPatch}: {@code rationale} and
     * {@code changes}) when the evolution service asks it about {@code agent}.
     */
    void draftFor(String agent, String patchJson) {
        patches.put(agent, patchJson);
    }

    /** The drafter model: the brief starts {@code Agent '<name>'}; an agent no test planned a patch for gets a 503. */
    private Reply draft(Chat chat) {
        for (var planned : patches.entrySet()) {
            if (chat.user().startsWith("Agent '" + planned.getKey() + "'")) {
                return Reply.text(planned.getValue()).withUsage(400, 60);
            }
        }
        return Reply.error(503, "server_error", "no draft planned for this agent");
    }

    /**
     * The mesh shared by every end-to-end test class of this JVM: started on first use, stopped when the
     * JVM exits, so the services start once per test run.
     */
    static synchronized RunningMesh shared() {
        if (shared == null) {
            RunningMesh mesh = create(SharedTestBroker.bootstrapServers(),
                    ServiceSpec.ALL.stream().map(ServiceSpec::name).toList());
            // Registered before the start, so a failed start leaves no service running; run before the broker stops,
            // so that no service is left retrying a vanished broker.
            SharedTestBroker.beforeStop(mesh::close);
            shared = mesh.startWarm();
        }
        return shared;
    }

    /** The services named, against the broker at {@code bootstrap}, not started yet. */
    static RunningMesh create(String bootstrap, List<String> names) {
        try {
            return new RunningMesh(bootstrap, names);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts every service and warms the mesh up ({@link #warmUp()}); on failure stops what started. */
    RunningMesh startWarm() {
        try {
            return start().warmUp();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Runs one task through the whole mesh until it completes, so that the tests measure a warm mesh:
     * the first verdicts of a cold validator (class loading, model loading, JIT) can miss the step deadline
     * on a loaded machine, and the agent's policy then rightly fails closed.
     */
    RunningMesh warmUp() {
        long deadline = System.nanoTime() + Duration.ofSeconds(180).toNanos();
        int attempt = 0;
        while (System.nanoTime() < deadline) {
            String taskId = "it-warmup-" + (++attempt) + "-" + System.nanoTime();
            try (var client = io.patinox.launcher.MeshClient.open(bootstrap)) {
                client.submit(io.patinox.contracts.events.TaskSubmitted.of(taskId, "support", "What is 17 * 23?"));
                var status = new java.util.concurrent.atomic.AtomicReference<io.patinox.contracts.events.RunStatus>();
                long waitUntil = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (status.get() == null && System.nanoTime() < waitUntil) {
                    client.poll(Duration.ofMillis(200), step -> {
                    }, result -> {
                        if (taskId.equals(result.taskId())) {
                            status.set(result.status());
                        }
                    });
                }
                System.out.printf("mesh warm-up task %d: %s%n", attempt, status.get());
                if (status.get() == io.patinox.contracts.events.RunStatus.COMPLETED) {
                    return this;
                }
            }
        }
        throw new IllegalStateException("the mesh did not complete a task within 180 s; executor log:\n"
                + logTail("executor") + "\nvalidator log:\n" + logTail("validator"));
    }

    /** Starts every service and waits until all are ready. */
    RunningMesh start() {
        services.keySet().forEach(this::launch);
        services.keySet().forEach(this::awaitReady);
        return this;
    }

    void launch(String name) {
        ServiceSpec spec = services.get(name);
        Map<String, String> properties = new java.util.HashMap<>(spec.stateProperties(work.resolve("state-" + runId)));
        properties.put("kafka.bootstrap.servers", bootstrap);
        properties.put("patinox.config.dir", configRepo.toString());
        if (name.equals("validator")) {
            properties.put("patinox.validator.judge.base-url", judge.baseUrl());
            properties.put("patinox.validator.judge.api-key", "test");
            // A few warm-up requests show the path works (MeshIT); the thousands that compile it would only slow
            // the suite, whose services run the quick compiler anyway (docs/adr/0021-warm-request-path.md).
            properties.put("patinox.validator.warm-up-requests", "20");
        }
        if (name.equals("evolution")) {
            // EvolutionIT plants a 1 ms step deadline; one proposal must lift it to a workable one, and a handful
            // of runs is enough traffic to judge the outcome.
            properties.put("patinox.evolution.rules.deadline-factor", "2000");
            properties.put("patinox.evolution.outcome.min-steps", "8");
            // Changes to agents are drafted by a model; the replay runs the LLM judges of a policy against the
            // validator's judge model.
            properties.put("patinox.evolution.drafter.base-url", drafter.baseUrl());
            properties.put("patinox.evolution.drafter.model", DRAFTER_MODEL);
            properties.put("patinox.evolution.drafter.api-key", "test");
            properties.put("patinox.validator.judge.base-url", judge.baseUrl());
            properties.put("patinox.validator.judge.api-key", "test");
        }
        if (name.equals("executor")) {
            // The door with authentication on (as packaged): the tests' own key and SecurityIT's flood key (5 requests/s),
            // metered key (1 token a day) and victim key (the defaults); SecurityIT's agent 'budget' at 1 token a day.
            properties.put("patinox.executor.api-keys", String.join(",", API_KEY, FLOOD_KEY, METERED_KEY, VICTIM_KEY));
            properties.put("patinox.executor.validation.warm-up-requests", "20");
            properties.put("patinox.executor.quota.keys.\"" + keyId(FLOOD_KEY) + "\".requests-per-second", "5");
            properties.put("patinox.executor.quota.keys.\"" + keyId(FLOOD_KEY) + "\".burst", "5");
            properties.put("patinox.executor.quota.keys.\"" + keyId(METERED_KEY) + "\".tokens-per-day", "1");
            properties.put("patinox.executor.quota.agents.budget.tokens-per-day", "1");
            // A killed executor must leave the groups quickly so that its tasks and review decisions are redelivered
            // within the tests' time.
            properties.put("mp.messaging.incoming.tasks.session.timeout.ms", "8000");
            properties.put("mp.messaging.incoming.tasks.heartbeat.interval.ms", "1000");
            properties.put("mp.messaging.incoming.review-decisions.session.timeout.ms", "8000");
            properties.put("mp.messaging.incoming.review-decisions.heartbeat.interval.ms", "1000");
        }
        Process p = Processes.startService(root, spec, properties, TEST_JVM_OPTIONS, log(name));
        processes.put(name, p);
    }

    void awaitReady(String name) {
        Processes.awaitReady(services.get(name), processes.get(name).toHandle(), log(name), Duration.ofSeconds(START_TIMEOUT_S),
                System.out::println);
    }

    void stop(String name) {
        Processes.stop(processes.get(name).toHandle(), Duration.ofSeconds(15));
    }

    /** Kills a service without warning (SIGKILL), as a crash or an OOM kill would. */
    void kill(String name) {
        Process p = processes.get(name);
        p.destroyForcibly();
        try {
            p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    int port(String name) {
        return services.get(name).port();
    }

    Path log(String name) {
        return work.resolve(name + "-" + runId + ".log");
    }

    String logTail(String name) {
        return Processes.tail(log(name), 40);
    }

    @Override
    public void close() {
        // The run is over and nothing of the services is checked after it: they are killed, not drained (a graceful
        // stop of evolution alone, closing its consumers one by one, takes about 13 s).
        List<Process> running = new ArrayList<>(processes.values());
        running.forEach(Process::destroyForcibly);
        for (Process p : running) {
            try {
                p.waitFor(15, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        judge.close();
        drafter.close();
        kafka.close();
    }

    String git(String... args) {
        return ConfigRepo.git(configRepo, args);
    }

    /** Commits every change of the config repository as the tests' user; returns the new commit. */
    String commit(String message) {
        git("add", "-A");
        git("-c", "user.name=Patinox Test", "-c", "user.email=test@localhost", "commit", "-q", "-m", message);
        return git("rev-parse", "HEAD");
    }

    /** Publishes tasks as an external client does (the launcher's client: idempotent, every replica acknowledging). */
    void submit(TaskSubmitted... tasks) {
        try (MeshClient client = MeshClient.open(bootstrap)) {
            for (TaskSubmitted task : tasks) {
                client.submit(task);
            }
        }
    }

    /** The first result of every task, waiting up to {@code wait}; fails naming the tasks without one. */
    java.util.Map<String, RunResult> awaitResults(List<String> taskIds, Duration wait) {
        java.util.Map<String, RunResult> results = new java.util.HashMap<>();
        try {
            await().atMost(wait).pollInterval(Duration.ofSeconds(1)).until(() -> {
                kafka.readAll(Topics.RESULTS, r -> r.key() != null && taskIds.contains(r.key()))
                        .forEach(r -> results.putIfAbsent(r.key(), Json.decode(r.value(), RunResult.class)));
                return results.size() == taskIds.size();
            });
        } catch (ConditionTimeoutException e) {
            List<String> missing = taskIds.stream().filter(id -> !results.containsKey(id)).toList();
            throw new AssertionError(missing.size() + " task(s) without a result: " + missing + "\nexecutor log:\n"
                    + logTail("executor"), e);
        }
        return results;
    }

    /** The step events of the runs of these results. */
    List<io.patinox.contracts.events.StepEvent> stepsOf(java.util.Collection<RunResult> results) {
        Set<String> runIds = results.stream().map(RunResult::runId).collect(java.util.stream.Collectors.toSet());
        return kafka.readAll(Topics.STEPS, r -> r.key() != null && runIds.contains(r.key())).stream()
                .map(r -> Json.decode(r.value(), io.patinox.contracts.events.StepEvent.class)).toList();
    }

    /** The first result of a task, waiting up to {@code wait}; fails with the end of the executor's log. */
    RunResult awaitResult(String taskId, Duration wait) {
        try {
            return await().atMost(wait).pollInterval(Duration.ofMillis(500))
                    .until(() -> kafka.readAll(Topics.RESULTS, r -> taskId.equals(r.key())), l -> !l.isEmpty()).stream()
                    .map(r -> Json.decode(r.value(), RunResult.class)).findFirst().orElseThrow();
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("no result for " + taskId + "\nexecutor log:\n" + logTail("executor"), e);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
