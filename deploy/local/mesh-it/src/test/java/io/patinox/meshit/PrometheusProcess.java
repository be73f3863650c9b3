package io.patinox.meshit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (the Debian package's binary) on 127.0.0.1 with its own temporary storage, queried
 * through its HTTP API. Stopped by {@link #close()}.
 */
final class PrometheusProcess implements AutoCloseable {

    static final String INSTALL_HINT = "Prometheus is not installed: apt-get install -y prometheus "
            + "(Debian package, with promtool)";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Fails with the install command when a binary is missing. */
    static void requireInstalled(String binary) {
        try {
            Process p = new ProcessBuilder(binary, "--version").redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(20, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new AssertionError(INSTALL_HINT + " (" + binary + " --version failed)");
            }
        } catch (IOException e) {
            throw new AssertionError(INSTALL_HINT + " (" + binary + " not found: " + e.getMessage() + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts Prometheus with {@code config} and waits until it is ready. */
    static PrometheusProcess start(Path config, Path workDir) throws IOException {
        requireInstalled("prometheus");
        int port = RunningMesh.freePort();
        Path storage = Files.createTempDirectory(workDir, "prometheus-data-");
        Path log = workDir.resolve("prometheus.log");
        Process p = new ProcessBuilder("prometheus", "--config.file=" + config, "--storage.tsdb.path=" + storage,
                "--web.listen-address=127.0.0.1:" + port, "--storage.tsdb.retention.time=1h", "--log.level=info")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        PrometheusProcess prometheus = new PrometheusProcess(p, port, log);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("prometheus exited with " + p.exitValue() + ":\n" + prometheus.logTail());
            }
            try {
                if (prometheus.get("/-/ready").statusCode() == 200) {
                    return prometheus;
                }
            } catch (IOException e) {
                // not listening yet
            }
            sleep(200);
        }
        prometheus.close();
        throw new IllegalStateException("prometheus not ready in 30 s:\n" + prometheus.logTail());
    }

    /** An instant query now; the whole API answer ({@code status}, {@code data}, {@code error}). */
    JsonNode query(String promql) {
        try {
            HttpResponse<String> r = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The series (or scalar) an instant query returns; an invalid query throws with Prometheus' error. */
    List<JsonNode> series(String promql) {
        JsonNode answer = query(promql);
        if (!"success".equals(answer.path("status").asText())) {
            throw new IllegalArgumentException(answer.path("errorType").asText() + ": " + answer.path("error").asText());
        }
        JsonNode data = answer.path("data");
        List<JsonNode> result = new ArrayList<>();
        if (data.path("resultType").asText().equals("scalar")) {
            result.add(data.path("result"));
        } else {
            data.path("result").forEach(result::add);
        }
        return result;
    }

    /** {@code GET /api/v1/<path>} as JSON. */
    JsonNode api(String path) {
        try {
            return JSON.readTree(get("/api/v1/" + path).body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String logTail() {
        return Files.exists(log) ? io.patinox.launcher.Processes.tail(log, 30) : "(no log)";
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
