package io.patinox.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Starts, watches and stops the mesh's processes: the broker and the four Quarkus services. Used by
 * the launcher and by the end-to-end tests, so both run the mesh the same way.
 */
public final class Processes {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    /**
     * JVM options of every service; each service's heap comes from {@link ServiceSpec#heapOptions()}. The JVM's own
     * areas have ceilings a little above what a service uses after the mesh benchmark (docs/adr/0020-memory-budgets.md):
     * metaspace ~60 MB, compiled code ~30 MB, direct buffers ~10 MB. The serial collector: no collector threads or
     * remembered sets on two cores, and a heap that grows only as far as the live set needs.
     */
    static final List<String> SERVICE_JVM_OPTIONS = List.of(
            "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
            "-XX:MaxMetaspaceSize=128m", "-XX:ReservedCodeCacheSize=64m", "-XX:MaxDirectMemorySize=64m",
            // After a full collection the old generation keeps 15-40 % free (the JVM's default: 40-70 %)
            "-XX:MinHeapFreeRatio=15", "-XX:MaxHeapFreeRatio=40",
            // Lance's JNI bindings read direct buffers through java.nio internals.
            "--add-opens=java.base/java.nio=ALL-UNNAMED");

    /**
     * The C allocator's arenas per process, set in the environment of every process the launcher starts (unless the
     * caller's environment sets it): glibc's default, eight per core, lets the native libraries' threads (ONNX
     * Runtime, RocksDB, Lance, Kafka's compression) each keep an arena of up to 64 MB of freed memory.
     */
    static final String MALLOC_ARENA_MAX = "2";

    private Processes() {
    }

    /**
     * JVM options of the user's for every process the launcher starts, from the environment variable
     * {@code PATINOX_JAVA_OPTIONS} (split on blanks), after the launcher's own so they win: e.g.
     * {@code -XX:NativeMemoryTracking=summary} to see with {@code jcmd <pid> VM.native_memory summary} what a process'
     * memory is made of, or another {@code -Xmx}.
     */
    static List<String> extraJvmOptions() {
        String options = System.getenv("PATINOX_JAVA_OPTIONS");
        return options == null || options.isBlank() ? List.of() : List.of(options.trim().split("\\s+"));
    }

    /** The java binary of the running JVM, so children use the same JDK. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * Starts one service JVM with its output appended to {@code log}.
     *
     * @param properties system properties for the service, e.g. {@code kafka.bootstrap.servers}
     */
    public static Process startService(Path root, ServiceSpec service, Map<String, String> properties, Path log) {
        return startService(root, service, properties, List.of(), log);
    }

    /**
     * Starts one service JVM with JVM options of the caller's after the services' own (e.g. the end-to-end tests'
     * quick-compiler-only option).
     */
    public static Process startService(Path root, ServiceSpec service, Map<String, String> properties,
            List<String> jvmOptions, Path log) {
        Path runner = service.runner(root);
        if (!Files.isRegularFile(runner)) {
            throw new IllegalStateException(service.name() + " is not built: " + runner
                    + " is missing (run ./mvnw -DskipTests package)");
        }
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(SERVICE_JVM_OPTIONS);
        command.addAll(service.heapOptions());
        command.addAll(jvmOptions);
        command.addAll(extraJvmOptions());
        command.add("-Dquarkus.http.port=" + service.port());
        // The local mesh is for this machine only.
        command.add("-Dquarkus.http.host=127.0.0.1");
        properties.forEach((k, v) -> command.add("-D" + k + "=" + v));
        command.add("-jar");
        command.add(runner.toString());
        return start(command, root, log);
    }

    /** Starts a process with stdout and stderr appended to {@code log}. */
    static Process start(List<String> command, Path workDir, Path log) {
        try {
            Files.createDirectories(log.getParent());
            Files.writeString(log, "$ " + String.join(" ", command) + "\n", StandardCharsets.UTF_8);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().putIfAbsent("MALLOC_ARENA_MAX", MALLOC_ARENA_MAX);
            return builder
                    .directory(workDir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0), e);
        }
    }

    /** True when the service answers its readiness check with 200. */
    public static boolean isReady(int port) {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/q/health/ready"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Waits until the service is ready, reporting progress; fails with the end of its log when the
     * process dies or the timeout passes.
     */
    public static void awaitReady(ServiceSpec service, ProcessHandle process, Path log, Duration timeout,
            Consumer<String> progress) {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        long nextReport = start + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            if (isReady(service.port())) {
                progress.accept(String.format("%-9s ready on http://127.0.0.1:%d (%.1f s)", service.name(),
                        service.port(), (System.nanoTime() - start) / 1e9));
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException(service.name() + " exited during start-up; end of " + log + ":\n"
                        + tail(log, 30));
            }
            if (System.nanoTime() > nextReport) {
                progress.accept(String.format("%-9s still starting (%.0f s)...", service.name(),
                        (System.nanoTime() - start) / 1e9));
                nextReport += Duration.ofSeconds(10).toNanos();
            }
            sleep(200);
        }
        throw new IllegalStateException(service.name() + " not ready after " + timeout.toSeconds() + " s; end of "
                + log + ":\n" + tail(log, 30));
    }

    /** Waits until a line containing {@code marker} appears in the log of a live process. */
    static void awaitLogLine(ProcessHandle process, Path log, String marker, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && read(log).contains(marker)) {
                return;
            }
            if (!process.isAlive()) {
                throw new IllegalStateException("process exited; end of " + log + ":\n" + tail(log, 30));
            }
            sleep(100);
        }
        throw new IllegalStateException("'" + marker + "' did not appear in " + log + " within "
                + timeout.toSeconds() + " s:\n" + tail(log, 30));
    }

    /** Asks a process to stop (SIGTERM), then kills it after the grace period. */
    public static void stop(ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            process.onExit().get(grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }

    /** The last lines of a log file. */
    public static String tail(Path log, int lines) {
        if (!Files.exists(log)) {
            return "(no log)";
        }
        List<String> all = read(log).lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    private static String read(Path log) {
        try {
            return Files.readString(log, StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            return "";
        }
    }

    /** The process recorded in a pid file, if it is still alive. */
    static Optional<ProcessHandle> fromPidFile(Path pidFile) {
        try {
            if (!Files.exists(pidFile)) {
                return Optional.empty();
            }
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    static void writePid(Path pidFile, long pid) {
        try {
            Files.writeString(pidFile, Long.toString(pid));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
