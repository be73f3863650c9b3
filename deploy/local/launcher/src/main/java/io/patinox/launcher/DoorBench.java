package io.patinox.launcher;

import io.patinox.contracts.events.RunResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./patinox bench door}: whether one API key flooding the REST front door slows down another key. The
 * measured key (the local key) sends tasks at a steady rate, first alone, then while the bench's own key floods
 * {@code POST /tasks} far over its quota; for each phase it prints the measured key's {@code POST /tasks} latency and
 * its task completion latency (POST to the run's result on {@code patinox.results}), p50 and p99, and what the
 * flooding key got back. Loopback only; every loop is bounded in count and time.
 */
final class DoorBench {

    /** One phase's figures of one key: answers by status, POST latencies and completion latencies in ms. */
    private record Figures(Map<Integer, Integer> statuses, List<Double> postMs, List<Double> doneMs) {
    }

    /** One client per key, as two callers would have: the flood's connections do not queue the measured key's. */
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final HttpClient floodHttp = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI metrics;
    private final URI tasks;
    private final String key;
    private final String floodKey;
    private final Map<String, Long> waiting = new ConcurrentHashMap<>();
    private final List<Double> done = Collections.synchronizedList(new ArrayList<>());

    DoorBench(int port, String key, String floodKey) {
        this.tasks = URI.create("http://127.0.0.1:" + port + "/tasks");
        this.metrics = URI.create("http://127.0.0.1:" + port + "/q/metrics");
        this.key = key;
        this.floodKey = floodKey;
    }

    /** {@code bench door [--seconds S] [--rate R] [--flood-rate F] [--keep]}. */
    static int command(LocalMesh mesh, Workspace ws, List<String> args) {
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        int seconds = Integer.parseInt(Patinox.option(rest, "--seconds", "10"));
        double rate = Double.parseDouble(Patinox.option(rest, "--rate", "5"));
        double floodRate = Double.parseDouble(Patinox.option(rest, "--flood-rate", "200"));
        boolean keep = rest.remove("--keep");
        return mesh.whileUp(keep, () -> {
            DoorBench bench = new DoorBench(ServiceSpec.named("executor").port(),
                    LocalApiKey.ensure(ws.work().resolve("api-key")),
                    LocalApiKey.ensure(ws.work().resolve(LocalApiKey.BENCH_FILE)));
            return bench.run(mesh.bootstrap(), seconds, rate, floodRate) ? 0 : 1;
        });
    }

    boolean run(String bootstrap, int seconds, double rate, double floodRate) {
        if (post(floodKey, "bench-door-probe-" + UUID.randomUUID()).statusCode() == 401) {
            throw new IllegalStateException("the executor does not know the bench key; restart the mesh"
                    + " (./patinox down && ./patinox up) so that it is given both keys");
        }
        AtomicBoolean reading = new AtomicBoolean(true);
        // Positioned at the end of the results before the first task is sent, so that no result is missed.
        MeshClient results = MeshClient.open(bootstrap);
        Thread reader = new Thread(() -> follow(results, reading), "bench-door-results");
        try (var ignored = new Closer(reading, reader, results)) {
            reader.start();
            System.out.printf("door bench: measured key %.0f tasks/s for %d s, alone and then while another key floods"
                    + " at %.0f requests/s%n", rate, seconds, floodRate);
            // The first flood meets code the JIT has not compiled yet (the door's refusal path, the client's): it is
            // printed as the cold figure, and the steady state is measured after it, as every bench here does.
            Figures cold = figures();
            phase(Math.min(5, seconds), rate, floodRate, cold);
            Figures alone = phase(seconds, rate, 0, null);
            Figures measured = figures();
            Figures flood = phase(seconds, rate, floodRate, measured);
            print("first flood ", cold);
            print("alone       ", alone);
            print("under flood ", measured);
            System.out.printf("flood key   answers %s, POST p50 %.1f ms p99 %.1f ms%n", flood.statuses(),
                    BenchReport.pct(BenchReport.sorted(flood.postMs()), 50),
                    BenchReport.pct(BenchReport.sorted(flood.postMs()), 99));
            boolean ok = !measured.statuses().containsKey(429) && flood.statuses().containsKey(429);
            System.out.println(ok ? "the measured key was never refused; the flooding key was throttled"
                    : "UNEXPECTED: " + (measured.statuses().containsKey(429) ? "the measured key was refused"
                            : "the flood was not throttled"));
            return ok;
        }
    }

    /**
     * Sends the measured key's tasks at {@code rate} for {@code seconds} and, when {@code floodRate > 0}, the flood
     * key's alongside; waits for the measured tasks' results. Returns the measured key's figures, or with a flood,
     * the flood's (the measured key's go into {@code measuredOut}).
     */
    private Figures phase(int seconds, double rate, double floodRate, Figures measuredOut) {
        Figures measured = measuredOut == null ? figures() : measuredOut;
        Figures flood = figures();
        awaitIdle();
        done.clear();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        long measuredGap = (long) (1e9 / rate);
        long floodGap = floodRate > 0 ? (long) (1e9 / floodRate) : 0;
        long nextMeasured = start;
        // Without a flood, its next send is never due.
        long nextFlood = floodRate > 0 ? start : Long.MAX_VALUE;
        List<CompletableFuture<Void>> sends = new ArrayList<>();
        while (System.nanoTime() < end) {
            long now = System.nanoTime();
            if (floodRate > 0 && now >= nextFlood) {
                nextFlood += floodGap;
                sends.add(send(floodKey, "bench-flood-" + UUID.randomUUID(), now, flood, false));
            }
            if (now >= nextMeasured) {
                nextMeasured += measuredGap;
                sends.add(send(key, "bench-door-" + UUID.randomUUID(), now, measured, true));
            }
            java.util.concurrent.locks.LockSupport
                    .parkNanos(Math.max(0, Math.min(nextFlood, nextMeasured) - System.nanoTime()));
        }
        CompletableFuture.allOf(sends.toArray(CompletableFuture[]::new)).orTimeout(60, java.util.concurrent.TimeUnit.SECONDS)
                .exceptionally(e -> null).join();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (!waiting.isEmpty() && System.nanoTime() < deadline) {
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000);
        }
        if (!waiting.isEmpty()) {
            System.out.println(waiting.size() + " admitted tasks of the measured key had no result within 120 s");
            waiting.clear();
        }
        measured.doneMs().addAll(done);
        return floodRate > 0 ? flood : measured;
    }

    /** Sends one task of {@code apiKey} asynchronously; its answer and POST latency go into {@code into}. */
    private CompletableFuture<Void> send(String apiKey, String taskId, long t0, Figures into, boolean awaitResult) {
        if (awaitResult) {
            waiting.put(taskId, t0);
        }
        HttpClient client = apiKey.equals(floodKey) ? floodHttp : http;
        return client.sendAsync(request(apiKey, taskId), HttpResponse.BodyHandlers.discarding()).thenAccept(r -> {
            into.postMs().add((System.nanoTime() - t0) / 1e6);
            into.statuses().merge(r.statusCode(), 1, Integer::sum);
            if (r.statusCode() != 202) {
                waiting.remove(taskId);
            }
        }).exceptionally(e -> {
            into.statuses().merge(-1, 1, Integer::sum);
            waiting.remove(taskId);
            return null;
        });
    }

    /** Waits (at most 300 s) until the executor has no admitted task left running, so a phase starts on a quiet mesh. */
    private void awaitIdle() {
        java.util.regex.Pattern gauge = java.util.regex.Pattern.compile(
                "patinox_executor_quota_runs_in_progress\\{[^}]*scope=\"agent\"[^}]*} ([0-9.]+)");
        long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
        while (System.nanoTime() < deadline) {
            double running = 0;
            try {
                java.util.regex.Matcher m = gauge.matcher(http.send(HttpRequest.newBuilder(metrics).GET().build(),
                        HttpResponse.BodyHandlers.ofString()).body());
                while (m.find()) {
                    running += Double.parseDouble(m.group(1));
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (running == 0) {
                return;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(500_000_000);
        }
        System.out.println("the executor still had runs in progress after 300 s; measuring anyway");
    }

    private void follow(MeshClient client, AtomicBoolean reading) {
        while (reading.get()) {
            client.poll(Duration.ofMillis(100), step -> {
            }, (RunResult r) -> {
                Long at = waiting.remove(r.taskId());
                if (at != null) {
                    done.add((System.nanoTime() - at) / 1e6);
                }
            });
        }
    }

    private static Figures figures() {
        return new Figures(new ConcurrentSkipListMap<>(), Collections.synchronizedList(new ArrayList<>()),
                Collections.synchronizedList(new ArrayList<>()));
    }

    private static void print(String label, Figures f) {
        List<Double> post = BenchReport.sorted(f.postMs());
        List<Double> completion = BenchReport.sorted(f.doneMs());
        System.out.printf("%s answers %s, POST p50 %.1f ms p99 %.1f ms, completion p50 %.1f ms p99 %.1f ms (%d results)%n",
                label, f.statuses(), BenchReport.pct(post, 50), BenchReport.pct(post, 99), BenchReport.pct(completion, 50),
                BenchReport.pct(completion, 99), completion.size());
    }

    private HttpRequest request(String apiKey, String taskId) {
        String body = "{\"taskId\":\"" + taskId + "\",\"agent\":\"support\",\"input\":\"What is 17 * 23?\"}";
        return HttpRequest.newBuilder(tasks).timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("X-API-Key", apiKey).POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    private HttpResponse<String> post(String apiKey, String taskId) {
        try {
            return http.send(request(apiKey, taskId), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stops the results reader when the bench ends. */
    private record Closer(AtomicBoolean reading, Thread reader, MeshClient client) implements AutoCloseable {
        @Override
        public void close() {
            reading.set(false);
            try {
                reader.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            client.close();
        }
    }
}
