package io.patinox.meshit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The clients of {@code clients/} (Python, TypeScript) run as an external user runs them: as
 * subprocesses with a bounded time, their output captured for the assertion messages.
 */
final class ClientProcess {

    /** The interpreter that Debian's {@code python3-confluent-kafka} installs for. */
    static final String PYTHON = System.getProperty("patinox.python", "/usr/bin/python3");

    /** The project root. */
    static final Path ROOT = Path.of(System.getProperty("patinox.home", "../../..")).toAbsolutePath().normalize();

    private ClientProcess() {
    }

    /** How a run ended. */
    record Result(List<String> command, int exitCode, String stdout, String stderr, Duration took) {

        /** The last line of standard output, where the examples print their JSON. */
        String lastLine() {
            List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }

        /** Everything about the run, for assertion messages. */
        String describe() {
            return String.join(" ", command) + "\nexit " + exitCode + " after " + took.toMillis() + " ms\n--- stdout\n"
                    + tail(stdout) + "\n--- stderr\n" + tail(stderr);
        }

        private static String tail(String text) {
            return text.length() <= 6000 ? text : "..." + text.substring(text.length() - 6000);
        }
    }

    /** Runs a command in {@code dir} with extra environment variables; kills it after {@code timeout}. */
    static Result run(Path dir, Map<String, String> env, Duration timeout, String... command) {
        List<String> cmd = List.of(command);
        long start = System.nanoTime();
        try {
            ProcessBuilder builder = new ProcessBuilder(cmd).directory(dir.toFile());
            builder.environment().putAll(env);
            Process p = builder.start();
            p.getOutputStream().close();
            CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
            CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + timeout.toSeconds()
                        + " s\n--- stdout\n" + out.getNow("") + "\n--- stderr\n" + err.getNow(""));
            }
            return new Result(cmd, p.exitValue(), out.get(10, TimeUnit.SECONDS), err.get(10, TimeUnit.SECONDS),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        } catch (Exception e) {
            throw new AssertionError(String.join(" ", cmd) + ": " + e, e);
        }
    }

    /** Fails, saying how to install it, unless the Python client's Kafka library is importable. */
    static void requirePythonClient() {
        Result r;
        try {
            r = run(ROOT, Map.of(), Duration.ofSeconds(30), PYTHON, "-c", "import confluent_kafka");
        } catch (AssertionError e) {
            throw new AssertionError("the Python client needs " + PYTHON + ": " + e.getMessage(), e);
        }
        if (r.exitCode() != 0) {
            throw new AssertionError("the Python client needs confluent-kafka for " + PYTHON
                    + ": apt-get install -y python3-confluent-kafka\n" + r.describe());
        }
    }

    /** Fails, saying how to build it, unless the TypeScript client has its dependencies and is built. */
    static void requireTypescriptClient() {
        Path dir = ROOT.resolve("clients/typescript");
        if (!Files.isDirectory(dir.resolve("node_modules/kafkajs"))) {
            throw new AssertionError("the TypeScript client's dependencies are missing: npm ci --prefix clients/typescript");
        }
        if (!Files.isRegularFile(dir.resolve("dist/examples/submit.js"))) {
            throw new AssertionError("the TypeScript client is not built: npm run build --prefix clients/typescript");
        }
    }

    private static String read(java.io.InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(cannot read: " + e.getMessage() + ")";
        }
    }
}
