package io.patinox.executor.messaging;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.validation.FailMode;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.executor.config.ExecutorConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * Asks the validator for a step's verdict over Kafka and waits for the answer: a request-reply
 * correlator on the plain Kafka clients. The pending reply is registered before the request is sent,
 * so a reply that arrives before the send's acknowledgement is never dropped (SmallRye's
 * {@code KafkaRequestReply} registers it after: docs/adr/0001). Replies are read from every partition
 * of the reply topic without a consumer group, starting at the end; replies to other executors'
 * requests are ignored.
 */
@ApplicationScoped
public class ValidationGateway {

    private static final Logger LOG = Logger.getLogger(ValidationGateway.class);

    /** The outcome of one request: the reply, or why none came. */
    public record Answer(ValidationReply reply, String failure) {
        public boolean answered() {
            return reply != null;
        }

        /**
         * The verdict to apply for this answer: the validator's, or, when none came, what the fail mode of
         * {@code policy} makes of its absence (a block when it fails closed, an allow when it fails open).
         */
        public Ruling ruling(FailMode failMode, String policy) {
            if (answered()) {
                return new Ruling(reply.verdict(), VerdictSource.VALIDATOR, reply.findings());
            }
            if (failMode == FailMode.CLOSED) {
                return new Ruling(new Verdict.Block(failure + "; policy '" + policy + "' fails closed"),
                        VerdictSource.FAIL_CLOSED, List.of());
            }
            return new Ruling(Verdict.allow(), VerdictSource.FAIL_OPEN, List.of());
        }
    }

    /** A step's verdict, where it came from, and the validator's findings (none without a reply). */
    public record Ruling(Verdict verdict, VerdictSource source, List<Finding> findings) {
    }

    @Inject
    ExecutorConfig config;

    @Inject
    OpenTelemetry openTelemetry;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "127.0.0.1:9092")
    String bootstrap;

    /** Every kafka.* setting (security included), shared with the SmallRye channels. */
    @Inject
    KafkaClientSettings kafkaSettings;

    private final Map<String, CompletableFuture<ValidationReply>> pending = new ConcurrentHashMap<>();
    /** The request producer and the reply follower. */
    private PlainKafkaClients clients;

    void start(@Observes StartupEvent event) {
        clients = PlainKafkaClients.start(producerProps(), "validation-replies", consumerProps(), new Replies(),
                "steps will fall back to their fail mode");
        Thread warmUp = new Thread(this::warmUp, "validation-gateway-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    /** Warm-up requests outstanding at once. */
    private static final int WARM_UP_IN_FLIGHT = 16;
    /** How long the first warm-up round waits for its answers before asking again. */
    private static final Duration WARM_UP_ROUND = Duration.ofSeconds(2);

    /** Set once {@link #warmUp} is over, whatever came of it. */
    private volatile boolean warmed;

    /**
     * Readies the request path before the first step needs it (docs/adr/0021-warm-request-path.md): once the reply
     * consumer is ready, one request per partition of the request topic and then {@code warm-up-requests} in all go
     * through the validator and back, marked
     * {@link ReplyHeaders#WARM_UP} so that the validator answers it on the warm-up topic (which this gateway reads
     * too, and no other service) and counts it nowhere. The first requests of a fresh process otherwise pay for
     * metadata lookups, class loading and first-time initialisation on both sides: close to a second. Whatever
     * comes of it, the gateway is ready afterwards, at the latest after {@code warm-up-timeout}.
     */
    private void warmUp() {
        long begin = System.nanoTime();
        Duration timeout = config.validation().warmUpTimeout();
        long deadline = begin + timeout.toNanos();
        try {
            if (timeout.isZero() || !clients.follower().awaitReady(timeout)) {
                return;
            }
            List<Integer> partitions = clients.producer().partitionsFor(config.validation().requestTopic()).stream()
                    .map(PartitionInfo::partition).toList();
            // One per partition, asked again every round until all answer: the validator may still be starting.
            int sent = 0;
            while (true) {
                List<CompletableFuture<ValidationReply>> round = new ArrayList<>();
                partitions.forEach(p -> round.add(warmUpRequest(p)));
                sent += round.size();
                try {
                    CompletableFuture.allOf(round.toArray(CompletableFuture[]::new)).get(
                            Math.max(1, Math.min(WARM_UP_ROUND.toNanos(), deadline - System.nanoTime())),
                            TimeUnit.NANOSECONDS);
                    break;
                } catch (TimeoutException e) {
                    round.forEach(f -> f.cancel(false));
                    if (System.nanoTime() >= deadline) {
                        throw e;
                    }
                }
            }
            // Then the rest a few at a time, until the path runs compiled code.
            Semaphore window = new Semaphore(WARM_UP_IN_FLIGHT);
            for (int i = 0; i < config.validation().warmUpRequests() && System.nanoTime() < deadline; i++, sent++) {
                if (!window.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    break;
                }
                warmUpRequest(partitions.get(i % partitions.size())).whenComplete((reply, error) -> window.release());
            }
            if (!window.tryAcquire(WARM_UP_IN_FLIGHT, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                throw new TimeoutException();
            }
            LOG.infof("Validation gateway warmed: %d requests answered in %d ms", sent,
                    (System.nanoTime() - begin) / 1_000_000);
        } catch (TimeoutException e) {
            LOG.warnf("Validation gateway warm-up: the validator did not answer within %d ms; the first steps may be"
                    + " slow", timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("Validation gateway warm-up failed: %s", e.toString());
        } finally {
            warmed = true;
        }
    }

    /** One warm-up request to {@code partition}, answered on the warm-up topic. */
    private CompletableFuture<ValidationReply> warmUpRequest(int partition) {
        var request = new ValidationRequest(ValidationRequest.SCHEMA_VERSION, "warm-up-" + UUID.randomUUID(), "warm-up",
                "warm-up-" + partition, 0, "warm-up", "warm-up", "default",
                new Action.ToolCall("calculator", Map.of("expression", "17 * 23")),
                new StepContext("What is 17 * 23?", List.of(), null, 0), Instant.now());
        return send(request, config.validation().warmUpTopic(), partition);
    }

    void stop(@Observes ShutdownEvent event) {
        if (clients != null) {
            clients.stop();
        }
        pending.values().forEach(f -> f.completeExceptionally(new IllegalStateException("executor shutting down")));
    }

    /**
     * True once the reply consumer holds every partition of the reply topic at a known position and the request path
     * is warmed up.
     */
    public boolean isReady() {
        return clients != null && clients.follower().isReady() && warmed;
    }

    /** Requests waiting for their reply now. */
    public int pendingCount() {
        return pending.size();
    }

    /**
     * Sends {@code request} and waits up to {@code deadline} for its reply. Never throws for a missing
     * reply: the caller decides what no answer means (the agent's fail mode).
     */
    public Answer ask(ValidationRequest request, Duration deadline) {
        long start = System.nanoTime();
        // A request sent before the reply consumer has its position could miss its reply: wait for it, within
        // the step's deadline.
        if (!isReady() && (clients == null || !clients.follower().awaitReady(deadline))) {
            return new Answer(null, "no verdict: the reply consumer was not ready within " + deadline.toMillis() + " ms");
        }
        Duration left = deadline.minusNanos(System.nanoTime() - start);
        CompletableFuture<ValidationReply> future = send(request);
        try {
            return new Answer(future.get(Math.max(left.toNanos(), 0), TimeUnit.NANOSECONDS), null);
        } catch (TimeoutException e) {
            return new Answer(null, "no verdict from the validator within " + deadline.toMillis() + " ms");
        } catch (ExecutionException e) {
            return new Answer(null, "no verdict from the validator: " + e.getCause().getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Answer(null, "interrupted while waiting for the verdict");
        } finally {
            future.cancel(false);
        }
    }

    /** Sends {@code request}; the future completes with its reply. Cancel it to stop waiting. */
    public CompletableFuture<ValidationReply> send(ValidationRequest request) {
        return send(request, null, null);
    }

    /**
     * Sends {@code request}, to {@code partition} if not null; with a {@code warmUpTopic} it is a warm-up request
     * answered there.
     */
    private CompletableFuture<ValidationReply> send(ValidationRequest request, String warmUpTopic, Integer partition) {
        UUID id = UUID.randomUUID();
        String key = id.toString();
        CompletableFuture<ValidationReply> future = new CompletableFuture<>();
        future.whenComplete((r, e) -> pending.remove(key));
        // Registered before the send: a reply can never arrive for a request we do not know yet.
        pending.put(key, future);
        var record = new ProducerRecord<String, byte[]>(config.validation().requestTopic(), partition, request.runId(),
                Json.encode(request));
        record.headers().add(ReplyHeaders.CORRELATION_ID, toBytes(id));
        String replyTopic = warmUpTopic == null ? config.validation().replyTopic() : warmUpTopic;
        record.headers().add(ReplyHeaders.REPLY_TOPIC, replyTopic.getBytes(StandardCharsets.UTF_8));
        if (warmUpTopic != null) {
            record.headers().add(ReplyHeaders.WARM_UP, new byte[] { 1 });
        }
        openTelemetry.getPropagators().getTextMapPropagator().inject(Context.current(), record,
                (r, k, v) -> r.headers().remove(k).add(k, v.getBytes(StandardCharsets.UTF_8)));
        try {
            clients.producer().send(record, (meta, error) -> {
                if (error != null) {
                    future.completeExceptionally(error);
                }
            });
        } catch (RuntimeException e) {
            future.completeExceptionally(e);
        }
        return future;
    }

    /** Reads every partition of the reply topic from its end; a reply completes its pending request. */
    private final class Replies implements ConsumerLoop.Reader<String, byte[]> {

        @Override
        public boolean assign(Consumer<String, byte[]> consumer, BooleanSupplier running) {
            List<TopicPartition> partitions = new ArrayList<>(awaitPartitions(consumer, running));
            if (partitions.isEmpty()) {
                return false;
            }
            partitions.addAll(warmUpPartitions(consumer));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            // position() resolves the end offsets now, so replies sent after readiness are never skipped.
            partitions.forEach(consumer::position);
            LOG.infof("Validation gateway reading %s", partitions);
            return true;
        }

        @Override
        public void accept(ConsumerRecord<String, byte[]> record) {
            complete(record);
        }
    }

    /** The warm-up topic's partitions; none when it does not exist or is off, and the warm-up then times out. */
    private List<TopicPartition> warmUpPartitions(Consumer<String, byte[]> consumer) {
        if (config.validation().warmUpTimeout().isZero()) {
            return List.of();
        }
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(config.validation().warmUpTopic(), Duration.ofSeconds(5));
            return infos == null ? List.of()
                    : infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
        } catch (RuntimeException e) {
            LOG.warnf("Warm-up topic %s not readable: %s", config.validation().warmUpTopic(), e.getMessage());
            return List.of();
        }
    }

    private List<TopicPartition> awaitPartitions(Consumer<String, byte[]> consumer, BooleanSupplier running) {
        String topic = config.validation().replyTopic();
        while (running.getAsBoolean()) {
            try {
                List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
                if (infos != null && !infos.isEmpty()) {
                    return infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
                }
                LOG.warnf("Reply topic %s has no partitions yet; retrying", topic);
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                LOG.warnf("Cannot reach Kafka at %s for %s yet; retrying", bootstrap, topic);
            }
        }
        return List.of();
    }

    private void complete(ConsumerRecord<String, byte[]> record) {
        Header header = record.headers().lastHeader(ReplyHeaders.CORRELATION_ID);
        if (header == null || header.value() == null || header.value().length != 16) {
            return;
        }
        // Removed before completing: whoever waits on the future sees it gone from the pending map.
        CompletableFuture<ValidationReply> future = pending.remove(fromBytes(header.value()).toString());
        if (future == null) {
            return; // another executor's request, or one that already timed out
        }
        try {
            future.complete(Json.decode(record.value(), ValidationReply.class));
        } catch (RuntimeException e) {
            future.completeExceptionally(new IllegalStateException("malformed reply: " + e.getMessage(), e));
        }
    }

    static byte[] toBytes(UUID id) {
        return ByteBuffer.allocate(16).putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits()).array();
    }

    static UUID fromBytes(byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        return new UUID(b.getLong(), b.getLong());
    }

    private Properties producerProps() {
        Properties p = kafkaSettings.producer(bootstrap, "executor-validation-requests");
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) config.validation().sendTimeout().toMillis());
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(config.validation().sendTimeout().toMillis(), 5000));
        return p;
    }

    private Properties consumerProps() {
        Properties p = kafkaSettings.consumer(bootstrap, "executor-validation-replies");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return p;
    }
}
