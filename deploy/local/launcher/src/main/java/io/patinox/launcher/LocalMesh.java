package io.patinox.launcher;

import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The local mesh as {@code ./patinox up} runs it: the broker and the four services as background
 * processes with pid files under {@code .patinox/run} and logs under {@code .patinox/logs}.
 */
final class LocalMesh {

    static final String BROKER = "broker";
    static final String BROKER_READY = "patinox broker ready on ";
    static final int BROKER_PORT = Integer.getInteger("patinox.kafka.port", 9092);
    static final int CONTROLLER_PORT = Integer.getInteger("patinox.kafka.controller-port", 9093);
    static final Duration START_TIMEOUT = Duration.ofSeconds(Long.getLong("patinox.start-timeout-s", 180));

    private final Workspace ws;
    private final Consumer<String> out;

    LocalMesh(Workspace ws, Consumer<String> out) {
        this.ws = ws;
        this.out = out;
    }

    String bootstrap() {
        return "127.0.0.1:" + BROKER_PORT;
    }

    /** True when the broker and every service run and are ready. */
    /**
     * Runs {@code body} on a running mesh: starts it first if it is down, and stops it afterwards unless it was up
     * before or {@code keep} is set. The benchmarks run this way.
     */
    int whileUp(boolean keep, java.util.function.IntSupplier body) {
        boolean wasUp = isUp();
        if (!wasUp) {
            System.out.println("Starting the mesh...");
            up();
        }
        try {
            return body.getAsInt();
        } finally {
            if (!wasUp && !keep) {
                down();
            }
        }
    }

    boolean isUp() {
        return Processes.fromPidFile(ws.pidFile(BROKER)).isPresent()
                && ServiceSpec.ALL.stream().allMatch(s -> Processes.fromPidFile(ws.pidFile(s.name())).isPresent()
                        && Processes.isReady(s.port()));
    }

    /** True when the broker and {@code service} run and the service is ready. */
    boolean isUp(ServiceSpec service) {
        return Processes.fromPidFile(ws.pidFile(BROKER)).isPresent()
                && Processes.fromPidFile(ws.pidFile(service.name())).isPresent() && Processes.isReady(service.port());
    }

    /** Starts whatever is not running yet and waits until everything is ready. */
    void up() {
        up(ServiceSpec.ALL);
    }

    /** Starts the broker and those of {@code services} not running yet, and waits until they are ready. */
    void up(List<ServiceSpec> services) {
        String commit = ConfigRepo.ensure(ws.sampleConfig(), ws.configRepo());
        out.accept("config    " + ws.configRepo() + " at commit " + commit.substring(0, Math.min(12, commit.length())));
        startBroker();
        List<ServiceSpec> started = new ArrayList<>();
        for (ServiceSpec service : services) {
            if (Processes.fromPidFile(ws.pidFile(service.name())).isPresent()) {
                out.accept(String.format("%-9s already running", service.name()));
                continue;
            }
            if (portInUse(service.port())) {
                throw new IllegalStateException("port " + service.port() + " for " + service.name()
                        + " is taken by another process; stop it or run ./patinox down");
            }
            Map<String, String> properties = new java.util.HashMap<>(service.stateProperties(ws.work().resolve("state")));
            properties.put("kafka.bootstrap.servers", bootstrap());
            properties.put("patinox.config.dir", ws.configRepo().toString());
            if (service.name().equals("executor")) { // its REST front door requires a key outside dev mode
                String benchKey = LocalApiKey.ensure(ws.work().resolve(LocalApiKey.BENCH_FILE));
                properties.put("patinox.executor.api-keys", LocalApiKey.ensure(ws.work().resolve("api-key")) + "," + benchKey);
                String bench = "patinox.executor.quota.keys.\"" + LocalApiKey.id(benchKey) + "\".";
                properties.put(bench + "requests-per-second", Integer.toString(LocalApiKey.BENCH_RATE));
                properties.put(bench + "burst", Integer.toString(LocalApiKey.BENCH_RATE));
            }
            Process p = Processes.startService(ws.root(), service, properties, ws.log(service.name()));
            Processes.writePid(ws.pidFile(service.name()), p.pid());
            started.add(service);
        }
        for (ServiceSpec service : started) {
            ProcessHandle handle = Processes.fromPidFile(ws.pidFile(service.name()))
                    .orElseThrow(() -> new IllegalStateException(service.name() + " exited during start-up; see "
                            + ws.log(service.name()) + ":\n" + Processes.tail(ws.log(service.name()), 30)));
            Processes.awaitReady(service, handle, ws.log(service.name()), START_TIMEOUT, out);
        }
        out.accept("logs      " + ws.logs() + "/{broker,validator,analyzer,evolution,executor}.log");
        if (!services.contains(ServiceSpec.named("executor"))) {
            return;
        }
        out.accept("REST      POST http://127.0.0.1:8081/tasks   (stop everything with ./patinox down)");
        out.accept("API key   X-API-Key: " + LocalApiKey.ensure(ws.work().resolve("api-key")) + "   (in "
                + ws.work().resolve("api-key") + ")");
    }

    private void startBroker() {
        Optional<ProcessHandle> running = Processes.fromPidFile(ws.pidFile(BROKER));
        if (running.isPresent()) {
            out.accept("broker    already running on " + bootstrap());
            return;
        }
        if (portInUse(BROKER_PORT)) {
            // Formatting storage under a running broker would wipe it: refuse instead.
            throw new IllegalStateException("port " + BROKER_PORT + " is already taken by a process the launcher did"
                    + " not start; stop it, or set -Dpatinox.kafka.port");
        }
        long begin = System.nanoTime();
        // The broker's live set after the mesh benchmark is ~50 MB; the serial collector as for the services
        // (docs/adr/0020-memory-budgets.md).
        List<String> command = new ArrayList<>(List.of(Processes.java(), "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:+ExitOnOutOfMemoryError", "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m",
                "-XX:MaxDirectMemorySize=128m"));
        command.addAll(Processes.extraJvmOptions());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Patinox.class.getName(), "broker",
                "--port", Integer.toString(BROKER_PORT), "--controller-port", Integer.toString(CONTROLLER_PORT),
                "--data", ws.kafkaData().toString()));
        Process p = Processes.start(command, ws.root(), ws.log(BROKER));
        Processes.writePid(ws.pidFile(BROKER), p.pid());
        Processes.awaitLogLine(p.toHandle(), ws.log(BROKER), BROKER_READY, START_TIMEOUT);
        out.accept(String.format("broker    ready on %s (%.1f s), data in %s", bootstrap(),
                (System.nanoTime() - begin) / 1e9, ws.kafkaData()));
    }

    /** Stops the services (front door first) and then the broker. */
    void down() {
        List<String> order = new ArrayList<>();
        for (int i = ServiceSpec.ALL.size() - 1; i >= 0; i--) {
            order.add(ServiceSpec.ALL.get(i).name());
        }
        order.add(BROKER);
        for (String name : order) {
            Path pid = ws.pidFile(name);
            Optional<ProcessHandle> handle = Processes.fromPidFile(pid);
            if (handle.isPresent()) {
                Processes.stop(handle.get(), Duration.ofSeconds(20));
                out.accept(String.format("%-9s stopped", name));
            }
            pid.toFile().delete();
        }
    }

    /** One line per process. */
    void status() {
        out.accept(String.format("%-9s %s", BROKER, Processes.fromPidFile(ws.pidFile(BROKER))
                .map(h -> "running (pid " + h.pid() + ") on " + bootstrap()).orElse("stopped")));
        for (ServiceSpec s : ServiceSpec.ALL) {
            String state = Processes.fromPidFile(ws.pidFile(s.name()))
                    .map(h -> (Processes.isReady(s.port()) ? "ready" : "running, not ready") + " (pid " + h.pid()
                            + ") on http://127.0.0.1:" + s.port())
                    .orElse("stopped");
            out.accept(String.format("%-9s %s", s.name(), state));
        }
    }

    static boolean portInUse(int port) {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
            return true;
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
