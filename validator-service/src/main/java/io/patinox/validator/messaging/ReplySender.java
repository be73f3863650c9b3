package io.patinox.validator.messaging;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import io.patinox.validator.config.ValidatorConfig;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Writes a reply where its request asked for it (a warm-up request's always on {@code patinox.validation.warm-up}): the topic
 * in {@code kafka_reply_topic} (and the partition in
 * {@code kafka_reply_partition}, if given), key = run id, with the request's {@code kafka_correlation_id}
 * copied verbatim and the current trace context ({@code traceparent}, continuing the requester's trace).
 *
 * <p>
 * The reply goes straight to the Kafka producer of channel {@value #CHANNEL} (configured there: linger 0,
 * acks=all, idempotence) from the thread that judged the request. Going through the channel's emitter cost
 * two more thread hand-offs per reply (emitter, the connector's sending thread), each one a scheduling delay
 * on a busy machine, on the path a requester waits for.
 */
@ApplicationScoped
public class ReplySender {

    /** Outgoing channel of the replies: it configures the producer; its topic is only the fallback. */
    public static final String CHANNEL = "validation-replies";

    private static final Logger LOG = Logger.getLogger(ReplySender.class);
    private static final TextMapSetter<Headers> HEADERS = (headers, name, value) -> headers.remove(name).add(name,
            value.getBytes(StandardCharsets.UTF_8));

    private final KafkaClientService clients;
    private final String defaultTopic;
    private final TextMapPropagator propagator;
    private volatile Producer<String, ValidationReply> producer;

    /** The emitter only makes the channel (and so its producer) exist; replies do not go through it. */
    ReplySender(@Channel(CHANNEL) Emitter<ValidationReply> emitter, KafkaClientService clients, ValidatorConfig config,
            OpenTelemetry openTelemetry) {
        this.clients = clients;
        this.defaultTopic = config.defaultReplyTopic();
        this.propagator = openTelemetry.getPropagators().getTextMapPropagator();
    }

    private Producer<String, ValidationReply> producer() {
        Producer<String, ValidationReply> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = clients.<String, ValidationReply> getProducer(CHANNEL).unwrap();
                }
                p = producer;
            }
        }
        return p;
    }

    /**
     * Sends {@code reply} to the requester of {@code request}; the returned stage completes when the
     * broker has it, and acknowledges (or on failure nacks) the request.
     */
    public CompletionStage<Void> send(Message<?> request, String key, ValidationReply reply) {
        Headers in = request.getMetadata(IncomingKafkaRecordMetadata.class)
                .map(IncomingKafkaRecordMetadata::getHeaders)
                .orElseGet(RecordHeaders::new);
        Header replyTopic = in.lastHeader(ReplyHeaders.REPLY_TOPIC);
        Header replyPartition = in.lastHeader(ReplyHeaders.REPLY_PARTITION);
        Header correlation = in.lastHeader(ReplyHeaders.CORRELATION_ID);

        RecordHeaders out = new RecordHeaders();
        if (correlation != null) {
            out.add(ReplyHeaders.CORRELATION_ID, correlation.value());
        }
        propagator.inject(Context.current(), out, HEADERS);
        String topic = replyTopic == null ? defaultTopic : new String(replyTopic.value(), StandardCharsets.UTF_8);
        int partition = replyPartition == null ? -1 : ReplyHeaders.partitionFromBytes(replyPartition.value());
        if (RequestPathWarmUp.isWarmUp(in)) {
            // Its allow was given by no validator: only the topic nobody reads may receive it.
            topic = Topics.VALIDATION_WARM_UP;
            partition = -1;
        }
        var record = new ProducerRecord<>(topic, partition >= 0 ? partition : null, key, reply, out);

        CompletableFuture<Void> written = new CompletableFuture<>();
        try {
            producer().send(record, (metadata, error) -> {
                if (error != null) {
                    written.completeExceptionally(error);
                } else {
                    written.complete(null);
                }
            });
        } catch (RuntimeException e) {
            written.completeExceptionally(e);
        }
        return written.handle((ok, error) -> {
            if (error != null) {
                LOG.errorf(error, "Could not write the reply to request %s", reply.requestId());
                return request.nack(error);
            }
            return request.ack();
        }).thenCompose(stage -> stage);
    }
}
