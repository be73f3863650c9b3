package io.patinox.launcher;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * {@code ./patinox bench mesh}: drives the local mesh with N tasks of agent {@code support} (scripted
 * model) from this process and measures what the mesh's own records say: throughput, the validator
 * round trip, end-to-end latency, the mesh's overhead per step, consumer lag and the services' memory.
 * <p>
 * Tasks are published asynchronously with a bound on the tasks in flight (a result frees a slot), so the
 * producer never outruns the mesh by more than that bound; {@code --rate} paces them instead.
 */
final class MeshBench {

    static final int MAX_IN_FLIGHT = Integer.getInteger("patinox.bench.in-flight", 200);
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(60);

    private final LocalMesh mesh;
    private final Workspace ws;
    private final Consumer<String> out;
    private final BenchRecorder rec = new BenchRecorder();

    MeshBench(LocalMesh mesh, Workspace ws, Consumer<String> out) {
        this.mesh = mesh;
        this.ws = ws;
        this.out = out;
    }

    /** {@code bench mesh [--tasks N] [--warmup N] [--rate R] [--keep]}. */
    static int command(LocalMesh mesh, Workspace ws, List<String> args) {
        if (args.isEmpty() || !args.get(0).equals("mesh")) {
            throw new IllegalArgumentException("usage: ./patinox bench mesh [--tasks N] [--warmup N] [--rate R] [--keep]");
        }
        List<String> rest = new ArrayList<>(args.subList(1, args.size()));
        int tasks = Integer.parseInt(Patinox.option(rest, "--tasks", "2000"));
        double rate = Double.parseDouble(Patinox.option(rest, "--rate", "0"));
        int warmup = Integer.parseInt(Patinox.option(rest, "--warmup", "1000"));
        boolean keep = rest.remove("--keep");
        return mesh.whileUp(keep, () -> new MeshBench(mesh, ws, System.out::println).run(tasks, warmup, rate) ? 0 : 1);
    }

    boolean run(int tasks, int warmup, double rate) {
        String prefix = "bench-" + Long.toString(System.currentTimeMillis(), 36) + "-";
        List<String> inputs = Demo.SAMPLE_TASKS;
        Semaphore slots = new Semaphore(MAX_IN_FLIGHT);
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<RuntimeException> readerFailure = new AtomicReference<>();
        Map<String, Long> warm = new ConcurrentHashMap<>();
        ServiceStats stats = new ServiceStats(ws, mesh.bootstrap());
        try (KafkaProducer<String, byte[]> producer = producer(mesh.bootstrap());
                KafkaConsumer<String, byte[]> consumer = consumer(mesh.bootstrap())) {
            Thread reader = new Thread(() -> {
                try {
                    while (!stop.get()) {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                            accept(r, prefix, warm, slots);
                        }
                    }
                } catch (RuntimeException e) {
                    readerFailure.set(e);
                }
            }, "bench-reader");
            reader.start();

            warmUp(producer, warm, prefix, warmup);
            out.accept(String.format("driving %d tasks (%s, at most %d in flight)...", tasks,
                    rate > 0 ? rate + " tasks/s" : "as fast as possible", MAX_IN_FLIGHT));
            stats.begin();
            rec.start();
            Thread sampler = stats.sampleLag(stop);
            long begin = System.nanoTime();
            for (int i = 0; i < tasks; i++) {
                if (rate > 0) {
                    long due = begin + (long) (i * 1e9 / rate);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        sleepNanos(wait);
                    }
                }
                acquire(slots);
                String id = prefix + i;
                String input = i % 10 == 9 ? inputs.get(1 + (i / 10) % (inputs.size() - 1)) : inputs.get(0);
                rec.submitted(id, System.nanoTime());
                producer.send(new ProducerRecord<>(Topics.TASKS, id, Json.encode(TaskSubmitted.of(id, "support", input))),
                        (md, e) -> {
                            if (e != null) {
                                rec.failedSend(id, e);
                                slots.release();
                            }
                        });
            }
            producer.flush();
            long lastProgress = System.nanoTime();
            int seen = -1;
            while (rec.results() + rec.sendFailures() < tasks && readerFailure.get() == null) {
                int now = rec.results();
                if (now != seen) {
                    seen = now;
                    lastProgress = System.nanoTime();
                } else if (System.nanoTime() - lastProgress > IDLE_TIMEOUT.toNanos()) {
                    out.accept("no result for " + IDLE_TIMEOUT.toSeconds() + " s; stopping with " + now + " of " + tasks);
                    break;
                }
                sleepNanos(50_000_000L);
            }
            rec.finish();
            Thread.sleep(1500); // let the last replies and steps in, and the services commit their offsets
            stop.set(true);
            reader.join(5000);
            sampler.join(5000);
            if (readerFailure.get() != null) {
                throw readerFailure.get();
            }
            stats.end();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        BenchReport report = new BenchReport(rec, stats, tasks, rate, MAX_IN_FLIGHT);
        report.print(out);
        report.writeHtml(ws.work().resolve("bench"), out);
        out.accept(report.json());
        return rec.results() == tasks;
    }

    private void accept(ConsumerRecord<String, byte[]> r, String prefix, Map<String, Long> warm, Semaphore slots) {
        String key = r.key();
        long now = System.nanoTime();
        switch (r.topic()) {
            case Topics.RESULTS -> {
                RunResult result = Json.decode(r.value(), RunResult.class);
                if (result.taskId().startsWith(prefix + "warm")) {
                    if (result.status() == RunStatus.COMPLETED) {
                        warm.put(result.taskId(), now);
                    }
                } else if (result.taskId().startsWith(prefix) && rec.result(result, now)) {
                    slots.release();
                }
            }
            case Topics.STEPS -> {
                StepEvent step = Json.decode(r.value(), StepEvent.class);
                if (step.taskId().startsWith(prefix) && !step.taskId().startsWith(prefix + "warm")) {
                    rec.step(step, now);
                }
            }
            case Topics.VALIDATION_REPLIES -> {
                if (key != null || r.value() != null) {
                    ValidationReply reply = Json.decode(r.value(), ValidationReply.class);
                    if (reply.taskId().startsWith(prefix) && !reply.taskId().startsWith(prefix + "warm")) {
                        rec.reply(reply);
                    }
                }
            }
            default -> {
            }
        }
    }

    /**
     * Submits a warm-up task every few seconds until one completes, then {@code burst} more (at most the in-flight
     * bound at a time) and waits for most of them: the measured tasks then run JIT-compiled code, not the
     * interpreter's, with connections and caches warm.
     */
    private void warmUp(KafkaProducer<String, byte[]> producer, Map<String, Long> warm, String prefix, int burst) {
        out.accept("warming up (a task must complete first)...");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        int n = 0;
        while (warm.isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no warm-up task completed within 180 s; see .patinox/logs");
            }
            String id = prefix + "warm-" + n++;
            producer.send(new ProducerRecord<>(Topics.TASKS, id,
                    Json.encode(TaskSubmitted.of(id, "support", Demo.SAMPLE_TASKS.get(0)))));
            for (int i = 0; i < 50 && warm.isEmpty(); i++) {
                sleepNanos(100_000_000L);
            }
        }
        // A burst afterwards so the hot paths are compiled before the clock starts.
        out.accept("warm-up burst of " + burst + " tasks...");
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60 + burst / 10);
        for (int i = 0; i < burst && System.nanoTime() < until; i++) {
            while (warm.size() + MAX_IN_FLIGHT <= i && System.nanoTime() < until) {
                sleepNanos(10_000_000L);
            }
            String id = prefix + "warm-burst-" + i;
            producer.send(new ProducerRecord<>(Topics.TASKS, id,
                    Json.encode(TaskSubmitted.of(id, "support", Demo.SAMPLE_TASKS.get(0)))));
        }
        while (warm.size() < burst * 0.9 && System.nanoTime() < until) {
            sleepNanos(100_000_000L);
        }
        out.accept("warm (" + warm.size() + " warm-up tasks completed)");
    }

    static KafkaProducer<String, byte[]> producer(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "1");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Reads steps, results and verdicts from their current end, like {@link MeshClient}. */
    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(c);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.STEPS, Topics.RESULTS, Topics.VALIDATION_REPLIES)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private static void acquire(Semaphore slots) {
        try {
            slots.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    static void sleepNanos(long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
