package io.patinox.validator.messaging;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.patinox.contracts.config.ConfigVersion;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.validator.config.PolicyRegistry;
import io.patinox.validator.config.ValidatorConfig;
import io.patinox.validator.service.ValidationService;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Readies the request path at start, so that the first real request is answered in milliseconds
 * (docs/adr/0021-warm-request-path.md). In process: the JSON mapping of requests and replies is exercised once and
 * the reply producer fetches the default reply topic's metadata. Through Kafka: once the requests consumer holds its
 * partitions, the service sends itself one request per partition (header {@link ReplyHeaders#WARM_UP}) and is ready
 * ({@link WarmUpReadiness}) when each has been answered and {@code patinox.validator.warm-up-requests} more have
 * run the path until its code is compiled, or when {@code patinox.validator.warm-up-timeout} has passed. That first record of a
 * partition is what costs most: the consumer's commit bookkeeping looks up the
 * partition's committed offset on its polling thread, which waits for the current poll to end, and the consumer,
 * the processing pipeline and the reply producer load and initialise their classes.
 *
 * <p>
 * The requests name the policies in use in turn ({@link PolicyRegistry#warmPolicies()}). A warm-up request is answered
 * by {@link ValidationService#warmUp} (its policy's chain without the LLM judges, counted in no verdict metric) and
 * only ever on the warm-up topic ({@link Topics#VALIDATION_WARM_UP}), which nobody reads.
 */
@ApplicationScoped
public class RequestPathWarmUp {

    /** Outgoing channel of the warm-up requests (to {@code patinox.validation.requests}). */
    public static final String CHANNEL = "validation-warm-up";

    private static final Logger LOG = Logger.getLogger(RequestPathWarmUp.class);
    /** How long one round waits for its answers before asking again the partitions still cold. */
    private static final Duration ROUND = Duration.ofSeconds(2);
    /** Warm-up requests outstanding at once after the first round. */
    private static final int IN_FLIGHT = 16;

    private static final String SAMPLE = """
            {"schemaVersion":1,"requestId":"warm-up","taskId":"warm-up","runId":"warm-up","stepIndex":0,\
            "agent":"warm-up","configVersion":"warm-up","policy":"default",\
            "action":{"type":"final_answer","answer":"ok"},\
            "context":{"taskInput":"ok","toolOutputs":[],"retries":0},"occurredAt":"2026-01-01T00:00:00Z"}""";

    private final Emitter<ValidationRequest> requests;
    private final KafkaClientService clients;
    private final ValidatorConfig config;
    private final PolicyRegistry registry;
    private final Clock clock;
    private final Tracer tracer;
    private final TextMapPropagator propagator;
    /** Warm-up requests sent and not answered yet, by correlation id. */
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private volatile boolean finished;

    RequestPathWarmUp(@Channel(CHANNEL) Emitter<ValidationRequest> requests, KafkaClientService clients,
            ValidatorConfig config, PolicyRegistry registry, Clock clock, OpenTelemetry openTelemetry) {
        this.requests = requests;
        this.clients = clients;
        this.config = config;
        this.registry = registry;
        this.clock = clock;
        this.tracer = openTelemetry.getTracer("patinox-validator");
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    /** True when a record carries the warm-up header. */
    public static boolean isWarmUp(Headers headers) {
        return headers.lastHeader(ReplyHeaders.WARM_UP) != null;
    }

    /** True when {@code message} is a warm-up request (its record carries the warm-up header). */
    public static boolean isWarmUp(Message<?> message) {
        return headers(message).filter(RequestPathWarmUp::isWarmUp).isPresent();
    }

    /**
     * Called once the reply to a warm-up request is written: completes this instance's own request of that correlation
     * id, if it is one (an executor's warm-up requests carry binary ids that match none).
     */
    public void answered(Message<?> request) {
        headers(request).map(h -> h.lastHeader(ReplyHeaders.CORRELATION_ID))
                .filter(h -> h.value() != null)
                .map(h -> pending.remove(new String(h.value(), StandardCharsets.UTF_8)))
                .ifPresent(f -> f.complete(null));
    }

    private static Optional<Headers> headers(Message<?> message) {
        return message.getMetadata(IncomingKafkaRecordMetadata.class).map(IncomingKafkaRecordMetadata::getHeaders);
    }

    /** True once the partitions were warmed, or the warm-up gave up or is off. */
    public boolean finished() {
        return finished;
    }

    void onStart(@Observes StartupEvent event) {
        warmJson();
        fetchReplyMetadata();
        if (config.warmUpTimeout().isZero()) {
            finished = true;
            return;
        }
        Thread thread = new Thread(this::warmThroughKafka, "validator-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private void warmJson() {
        try {
            ValidationRequest request = Json.decode(SAMPLE, ValidationRequest.class);
            Json.decode(Json.encode(ValidationReply.answering(request, "warm-up", Verdict.allow(), List.of(), 0,
                    request.occurredAt())), ValidationReply.class);
        } catch (RuntimeException e) {
            LOG.warnf("JSON warm-up failed: %s", e.getMessage());
        }
    }

    private void fetchReplyMetadata() {
        try {
            var producer = clients.<String, ValidationReply> getProducer(ReplySender.CHANNEL);
            if (producer != null) {
                producer.partitionsFor(config.defaultReplyTopic())
                        .ifNoItem().after(Duration.ofSeconds(30)).fail()
                        .subscribe().with(
                                partitions -> LOG.debugf("Reply topic %s has %d partitions", config.defaultReplyTopic(),
                                        partitions.size()),
                                error -> LOG.warnf("Could not fetch the metadata of %s: %s", config.defaultReplyTopic(),
                                        error.getMessage()));
            }
        } catch (RuntimeException e) {
            // Only a head start: the first reply fetches the metadata anyway.
            LOG.debugf("Reply producer not ready for warm-up: %s", e.getMessage());
        }
    }

    /**
     * Asks each partition the requests consumer holds, in rounds, until every one has answered or the time is up. A
     * request can go unanswered when it was written before the consumer's position (at the end of the partition, for
     * a new group) or when the partition moved to another instance: the next round asks again.
     */
    private void warmThroughKafka() {
        long begin = System.nanoTime();
        long deadline = begin + config.warmUpTimeout().toNanos();
        Set<Integer> warm = new TreeSet<>();
        Set<Integer> held = Set.of();
        int sent = 0;
        try {
            while (System.nanoTime() < deadline) {
                held = heldPartitions();
                List<Integer> cold = held.stream().filter(p -> !warm.contains(p)).toList();
                if (!held.isEmpty() && cold.isEmpty()) {
                    break;
                }
                Map<Integer, CompletableFuture<Void>> round = new ConcurrentHashMap<>();
                List<String> policies = registry.warmPolicies();
                for (int partition : cold) {
                    String policy = policies.isEmpty() ? "default" : policies.get(sent % policies.size());
                    round.put(partition, ask(partition, policy));
                    sent++;
                }
                long wait = Math.min(ROUND.toNanos(), Math.max(0, deadline - System.nanoTime()));
                try {
                    CompletableFuture.allOf(round.values().toArray(CompletableFuture[]::new))
                            .get(Math.max(wait, 1), TimeUnit.NANOSECONDS);
                } catch (TimeoutException e) {
                    // asked again next round
                }
                round.forEach((partition, answer) -> {
                    if (answer.isDone() && !answer.isCompletedExceptionally()) {
                        warm.add(partition);
                    }
                });
            }
            long ms = (System.nanoTime() - begin) / 1_000_000;
            if (!held.isEmpty() && warm.containsAll(held)) {
                LOG.infof("Request path warmed through Kafka: partitions %s of %s answered in %d ms (%d requests)",
                        warm, Topics.VALIDATION_REQUESTS, ms, sent);
                compile(List.copyOf(held), deadline);
            } else {
                LOG.warnf("Request path warm-up gave up after %d ms: partitions %s of %s held, %s answered; the first"
                        + " requests of the others may be slow", ms, held, Topics.VALIDATION_REQUESTS, warm);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            LOG.warnf("Request path warm-up failed: %s", e.toString());
        } finally {
            pending.clear();
            finished = true;
        }
    }

    /**
     * Sends {@code patinox.validator.warm-up-requests} more, {@value #IN_FLIGHT} at a time, over the partitions held,
     * until all are answered or the deadline passes, and logs how the round trip fell. The consumer, the processing
     * pipeline, the chain and the reply producer run interpreted code for their first few thousand records: about 10
     * ms a request instead of 1-2 on this kind of machine, which a burst of steps right after the start turns into
     * queueing.
     */
    private void compile(List<Integer> partitions, long deadline) throws InterruptedException {
        int total = config.warmUpRequests();
        if (total <= 0) {
            return;
        }
        long begin = System.nanoTime();
        List<String> policies = registry.warmPolicies();
        Semaphore window = new Semaphore(IN_FLIGHT);
        long[] roundTrips = new long[total];
        int sent = 0;
        for (; sent < total && System.nanoTime() < deadline; sent++) {
            if (!window.tryAcquire(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                break;
            }
            int i = sent;
            long start = System.nanoTime();
            String policy = policies.isEmpty() ? "default" : policies.get(i % policies.size());
            ask(partitions.get(i % partitions.size()), policy).whenComplete((ok, error) -> {
                roundTrips[i] = System.nanoTime() - start;
                window.release();
            });
        }
        // Wait for the last ones (the window is whole again once every answer is in).
        boolean all = window.tryAcquire(IN_FLIGHT, Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        int sample = Math.min(100, sent / 2);
        LOG.infof("Request path compiled: %d warm-up requests %s in %d ms; round trip (%d in flight) p50 %.1f ms over"
                + " the first %d, %.1f ms over the last %d", sent, all ? "answered" : "sent, not all answered",
                (System.nanoTime() - begin) / 1_000_000, IN_FLIGHT, p50(roundTrips, 0, sample), sample,
                p50(roundTrips, sent - sample, sent), sample);
    }

    private static double p50(long[] nanos, int from, int to) {
        long[] part = Arrays.copyOfRange(nanos, Math.max(0, from), Math.max(from, to));
        if (part.length == 0) {
            return Double.NaN;
        }
        Arrays.sort(part);
        return part[part.length / 2] / 1e6;
    }

    /**
     * The partitions the requests consumer holds now, each with its position resolved (so that a request written
     * after this returns is read); empty while it has none.
     */
    private Set<Integer> heldPartitions() throws InterruptedException {
        var consumer = clients.<Object, Object> getConsumer(ValidationRequestConsumer.CHANNEL);
        if (consumer == null) {
            Thread.sleep(200);
            return Set.of();
        }
        try {
            Set<Integer> held = consumer.runOnPollingThread(c -> {
                Set<Integer> partitions = new TreeSet<>();
                for (TopicPartition tp : c.assignment()) {
                    c.position(tp, Duration.ofSeconds(5));
                    partitions.add(tp.partition());
                }
                return partitions;
            }).await().atMost(Duration.ofSeconds(10));
            if (held.isEmpty()) {
                Thread.sleep(200);
            }
            return held;
        } catch (RuntimeException e) {
            LOG.debugf("Requests consumer not ready for warm-up: %s", e.getMessage());
            Thread.sleep(200);
            return Set.of();
        }
    }

    /** Sends one warm-up request to {@code partition}; the future completes when its reply is written. */
    private CompletableFuture<Void> ask(int partition, String policy) {
        String correlationId = "warm-up-" + UUID.randomUUID();
        CompletableFuture<Void> answer = new CompletableFuture<>();
        pending.put(correlationId, answer);
        var request = new ValidationRequest(ValidationRequest.SCHEMA_VERSION, correlationId, "warm-up",
                "warm-up-" + partition, 0, "warm-up", ConfigVersion.UNVERSIONED, policy,
                new Action.ToolCall("calculator", Map.of("expression", "17 * 23")),
                new StepContext("What is 17 * 23? Mail the result to jane.doe@example.com", List.of(), null, 0),
                clock.instant());
        RecordHeaders headers = new RecordHeaders();
        headers.add(ReplyHeaders.CORRELATION_ID, correlationId.getBytes(StandardCharsets.UTF_8));
        headers.add(ReplyHeaders.REPLY_TOPIC, Topics.VALIDATION_WARM_UP.getBytes(StandardCharsets.UTF_8));
        headers.add(ReplyHeaders.WARM_UP, new byte[] { 1 });
        // Requests come with their requester's trace: so does this one, which takes the same tracing path.
        Span span = tracer.spanBuilder("validator warm-up").startSpan();
        try (Scope ignored = span.makeCurrent()) {
            propagator.inject(Context.current(), headers,
                    (h, name, value) -> h.remove(name).add(name, value.getBytes(StandardCharsets.UTF_8)));
        } finally {
            span.end();
        }
        requests.send(Message.of(request).addMetadata(OutgoingKafkaRecordMetadata.<String> builder()
                .withTopic(Topics.VALIDATION_REQUESTS).withPartition(partition).withKey(request.runId())
                .withHeaders(headers).build()));
        return answer;
    }
}
