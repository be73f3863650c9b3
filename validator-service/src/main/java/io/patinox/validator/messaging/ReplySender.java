package io.patinox.validator.messaging;

import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.validator.config.ValidatorConfig;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.jboss.logging.Logger;

/**
 * Writes a reply where its request asked for it: the topic in {@code kafka_reply_topic} (and the partition in
 * {@code kafka_reply_partition}, if given), key = run id, with the request's {@code kafka_correlation_id}
 * copied verbatim. The request's tracing metadata travels with the reply so the connector's producer span
 * continues the requester's trace and writes {@code traceparent}.
 */
@ApplicationScoped
public class ReplySender {

    /** Outgoing channel of the replies; its topic is only the fallback, each reply names its own. */
    public static final String CHANNEL = "validation-replies";

    private static final Logger LOG = Logger.getLogger(ReplySender.class);

    private final Emitter<byte[]> emitter;
    private final String defaultTopic;

    ReplySender(@Channel(CHANNEL) Emitter<byte[]> emitter, ValidatorConfig config) {
        this.emitter = emitter;
        this.defaultTopic = config.defaultReplyTopic();
    }

    /**
     * Sends {@code reply} to the requester of {@code request}; the returned stage completes when the
     * broker has it, and acknowledges (or on failure nacks) the request.
     */
    public CompletionStage<Void> send(Message<byte[]> request, String key, ValidationReply reply) {
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
        var metadata = OutgoingKafkaRecordMetadata.<String>builder()
                .withKey(key)
                .withTopic(replyTopic == null ? defaultTopic : new String(replyTopic.value(), StandardCharsets.UTF_8))
                .withHeaders(out);
        int partition = replyPartition == null ? -1 : ReplyHeaders.partitionFromBytes(replyPartition.value());
        if (partition >= 0) {
            metadata.withPartition(partition);
        }

        CompletableFuture<Void> written = new CompletableFuture<>();
        // Only the request's tracing context travels with the reply, none of its Kafka record metadata.
        Metadata carried = Metadata.of(metadata.build());
        var tracing = TracingMetadata.fromMessage(request);
        if (tracing.isPresent()) {
            carried = carried.with(tracing.get());
        }
        Message<byte[]> message = Message.of(Json.encode(reply), carried)
                .withAck(() -> {
                    written.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(e -> {
                    written.completeExceptionally(e);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return written.handle((ok, error) -> {
            if (error != null) {
                LOG.errorf(error, "Could not write the reply to request %s", reply.requestId());
                return request.nack(error);
            }
            return request.ack();
        }).thenCompose(stage -> stage);
    }
}
