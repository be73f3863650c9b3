package io.patinox.analyzer;

import io.micrometer.prometheus.PrometheusConfig;
import io.micrometer.prometheus.PrometheusMeterRegistry;
import io.patinox.analyzer.service.Tally;
import io.patinox.analyzer.service.TelemetryMetrics;
import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;

/**
 * Aggregation throughput and end-to-end lag of the analyzer's topology on the real local broker.
 *
 * <p>
 * Throughput: {@code bench.warmup} and then {@code bench.events} events (per run: 3 steps with a tool call, 3
 * validation replies with one finding each, 1 result; 8 agents) are published first, then a fresh Kafka Streams
 * instance with the service's settings folds them all; the rate is the measured events over the time from the
 * moment the totals hold every warm-up event (the JIT has compiled the hot paths) to the moment they hold every
 * measured one. Each event touches 3 (result), 6 (step: agent and tool) or 6 (reply: agent and validator)
 * subjects. The CPU time of the stream thread is printed too: unlike the wall time, it hardly depends on what else
 * runs on the machine. Lag: with the instance
 * warm, single run results are published one at a time and the time until their aggregate is readable (committed)
 * on {@code patinox.aggregates} is measured. The last line printed is one JSON object.
 *
 * <p>
 * Settings: {@code -Dbench.events=140000 -Dbench.warmup=70000 -Dbench.guarantee=exactly_once_v2 -Dbench.threads=1
 * -Dbench.commitMs=100 -Dbench.probes=50} (defaults: the service's settings);
 * {@code -Dbench.metrics=false} skips the Prometheus metrics the service records per event;
 * {@code -Dbench.streams.<kafka streams key>=<value>} overrides any other setting;
 * {@code -Dpatinox.test.kafka.bootstrap=host:port} uses a running broker (else one starts in this JVM).
 */
public final class AggregationBenchmark {

    private static final int AGENTS = 8;

    private AggregationBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        // Outside Quarkus nobody configures logging: without this every client TRACE line is formatted.
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        int events = Integer.getInteger("bench.events", 140_000);
        int probes = Integer.getInteger("bench.probes", 50);
        String guarantee = System.getProperty("bench.guarantee", StreamsConfig.EXACTLY_ONCE_V2);
        int threads = Integer.getInteger("bench.threads", 1);
        int commitMs = Integer.getInteger("bench.commitMs", 100);
        String bootstrap = KafkaBrokerResource.bootstrapServers();
        String tag = UUID.randomUUID().toString().substring(0, 8);
        int warmup = Integer.getInteger("bench.warmup", 70_000);
        int runs = events / 7;
        int total = runs * 7;

        String warmTag = tag + "w";
        int warmRuns = warmup / 7;
        long publishStart = System.nanoTime();
        publish(bootstrap, warmTag, warmRuns);
        publish(bootstrap, tag, runs);
        double publishSeconds = (System.nanoTime() - publishStart) / 1e9;
        System.out.printf(Locale.ROOT, "published %d warm-up and %d measured events in %.2f s%n", warmRuns * 7, total,
                publishSeconds);

        Properties overrides = new Properties();
        overrides.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
        overrides.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, threads);
        overrides.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
        // Any Kafka Streams setting: -Dbench.streams.producer.linger.ms=20
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("bench.streams."))
                .forEach(k -> overrides.put(k.substring("bench.streams.".length()), System.getProperty(k)));
        Path stateDir = Path.of("target", "bench-state", tag);
        // The service counts every decoded event into its Prometheus metrics on the stream thread: so does this.
        var metrics = Boolean.parseBoolean(System.getProperty("bench.metrics", "true"))
                ? new TelemetryMetrics(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), 100)
                : null;
        Consumer<Event> onDecoded = metrics == null ? event -> {
        } : metrics::record;
        try (var instance = new StreamsInstance("bench-" + tag, stateDir, onDecoded, overrides)) {
            // Warm-up: the JIT compiles the hot paths (of the broker in this JVM too) while the first batch is folded.
            waitUntilCounted(instance, warmTag, warmRuns * 7L);
            long start = System.nanoTime();
            long streamCpuAtStart = streamThreadCpuNanos();
            long processCpuAtStart = processCpuNanos();
            long countedAtStart = counted(instance, tag);
            waitUntilCounted(instance, tag, total);
            double foldSeconds = (System.nanoTime() - start) / 1e9;
            long measured = total - countedAtStart;
            printThreadMetrics(instance);
            double streamCpuSeconds = (streamThreadCpuNanos() - streamCpuAtStart) / 1e9;
            double processCpuSeconds = (processCpuNanos() - processCpuAtStart) / 1e9;
            double rate = measured / foldSeconds;
            System.out.printf(Locale.ROOT, "folded %d events (after the warm-up) in %.2f s: %.0f events/s (%s, %d"
                    + " thread(s), commit %d ms)%n", measured, foldSeconds, rate, guarantee, threads, commitMs);
            // Wall time depends on what else runs on the machine; CPU per event much less so.
            System.out.printf(Locale.ROOT, "stream thread(s) CPU %.2f s (%.0f events per CPU second), whole JVM with"
                    + " the broker %.2f s, load average %.1f%n", streamCpuSeconds, measured / streamCpuSeconds,
                    processCpuSeconds, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

            List<Double> lags = lags(tag, probes);
            Collections.sort(lags);
            double p50 = lags.get(lags.size() / 2);
            double p95 = lags.get((int) Math.min(lags.size() - 1, Math.ceil(lags.size() * 0.95) - 1));
            double max = lags.get(lags.size() - 1);
            System.out.printf(Locale.ROOT, "end-to-end lag over %d probes: p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
                    lags.size(), p50, p95, max);
            System.out.printf(Locale.ROOT, "{\"events\":%d,\"seconds\":%.3f,\"eventsPerSecond\":%.0f,"
                    + "\"publishSeconds\":%.3f,\"guarantee\":\"%s\",\"threads\":%d,\"commitMs\":%d,\"lagProbes\":%d,"
                    + "\"lagMsP50\":%.1f,\"lagMsP95\":%.1f,\"lagMsMax\":%.1f,\"cores\":%d,"
                    + "\"streamThreadCpuSeconds\":%.2f,\"eventsPerStreamCpuSecond\":%.0f,\"loadAverage\":%.1f}%n",
                    measured, foldSeconds, rate, publishSeconds, guarantee, threads, commitMs, lags.size(), p50, p95, max,
                    Runtime.getRuntime().availableProcessors(), streamCpuSeconds, measured / streamCpuSeconds,
                    ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        }
        System.exit(0);
    }

    /** Where the stream thread spent its time (Kafka Streams' own thread metrics), to see what to tune. */
    private static void printThreadMetrics(StreamsInstance instance) {
        var wanted = List.of("process-ratio", "punctuate-ratio", "poll-ratio", "commit-ratio", "commit-latency-avg",
                "commit-latency-max", "poll-records-avg", "process-records-avg", "blocked-time-ns-total");
        instance.streams.metrics().forEach((name, metric) -> {
            if ("stream-thread-metrics".equals(name.group()) && wanted.contains(name.name())) {
                System.out.printf(Locale.ROOT, "  %s = %s%n", name.name(), metric.metricValue());
            }
        });
    }

    /** CPU time of the Kafka Streams threads so far (processing, not the broker in this JVM). */
    private static long streamThreadCpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long sum = 0;
        for (ThreadInfo info : threads.dumpAllThreads(false, false)) {
            if (info.getThreadName().contains("StreamThread")) {
                sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
            }
        }
        return sum;
    }

    private static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime()
                : 0;
    }

    private static void publish(String bootstrap, String tag, int runs) {
        try (var producer = batchingProducer(bootstrap)) {
            for (int run = 0; run < runs; run++) {
                String agent = "bench-" + tag + "-" + (run % AGENTS);
                String runId = tag + "-" + run;
                Instant now = Instant.now();
                for (int i = 0; i < 3; i++) {
                    Verdict verdict = i == 2 && run % 10 == 0 ? new Verdict.Block("bench") : Verdict.allow();
                    producer.send(new ProducerRecord<>(Topics.STEPS, runId, Json.encode(TestEvents.step(agent, "v1",
                            runId, i, verdict, StepOutcome.EXECUTED, VerdictSource.VALIDATOR, new Usage(100, 20, 0.001),
                            1_000 + run % 5_000, 2_000 + run % 3_000, 500, now))));
                    producer.send(new ProducerRecord<>(Topics.VALIDATION_REPLIES, runId, Json.encode(
                            TestEvents.reply(agent, "v1", runId, i, verdict, 300 + run % 700, now))));
                }
                producer.send(new ProducerRecord<>(Topics.RESULTS, "task-" + runId, Json.encode(
                        TestEvents.result(agent, "v1", runId, RunStatus.COMPLETED, now))));
            }
            producer.flush();
        }
    }

    private static void waitUntilCounted(StreamsInstance instance, String tag, long expected)
            throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (counted(instance, tag) < expected) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not all events were counted within 10 minutes");
            }
            Thread.sleep(20);
        }
    }

    private static long counted(StreamsInstance instance, String tag) {
        long counted = 0;
        for (int a = 0; a < AGENTS; a++) {
            Tally t = instance.total("bench-" + tag + "-" + a + "|v1");
            if (t != null) {
                counted += t.steps() + t.replies() + t.runs();
            }
        }
        return counted;
    }

    /** Publishes one run result at a time and waits for the aggregate that counts it. */
    private static List<Double> lags(String tag, int probes) {
        String agent = "bench-" + tag + "-probe";
        String subject = "agent=" + agent + "|version=v1|window=total";
        List<Double> lags = new ArrayList<>();
        var kafka = TestKafka.shared();
        try (var reader = kafka.follow(Topics.AGGREGATES)) {
            // Reach the end of the topic first, so each probe only waits for its own aggregate.
            for (int i = 0; i < 20; i++) {
                reader.poll();
            }
            for (int probe = 1; probe <= probes; probe++) {
                long sent = System.nanoTime();
                kafka.send(Topics.RESULTS, "task-probe-" + probe,
                        TestEvents.result(agent, "v1", tag + "-probe-" + probe, RunStatus.COMPLETED, Instant.now()));
                long deadline = sent + Duration.ofSeconds(30).toNanos();
                while (true) {
                    reader.poll();
                    TelemetryAggregate latest = reader.latest(subject, TelemetryAggregate.class);
                    if (latest != null && latest.runs() >= probe) {
                        lags.add((System.nanoTime() - sent) / 1e6);
                        break;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("probe " + probe + " not aggregated within 30 s");
                    }
                }
            }
        }
        return lags;
    }

    /** The bulk publisher's own producer: batches of up to 256 KB, 5 ms linger, no wait per record. */
    private static KafkaProducer<String, byte[]> batchingProducer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(p);
    }
}
