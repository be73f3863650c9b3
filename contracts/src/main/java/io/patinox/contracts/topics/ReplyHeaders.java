package io.patinox.contracts.topics;

import java.nio.ByteBuffer;

/**
 * Kafka headers of the step-verdict request-reply exchange. The names are SmallRye Reactive Messaging's
 * ({@code KafkaRequestReply}), so a requester built on it and the executor's own correlator speak the
 * same protocol: the validator answers on the topic (and partition, if given) named in the request and
 * copies the correlation id.
 */
public final class ReplyHeaders {

    /** Opaque bytes that tie a reply to its request; copied verbatim into the reply. */
    public static final String CORRELATION_ID = "kafka_correlation_id";
    /** UTF-8 name of the topic the reply must go to. Present only on requests. */
    public static final String REPLY_TOPIC = "kafka_reply_topic";
    /** Optional 4-byte big-endian partition the reply must go to. */
    public static final String REPLY_PARTITION = "kafka_reply_partition";

    /**
     * Marks a request a validator sent itself to warm its request path through Kafka when it starts: it is answered
     * like any other (on the topic it names, {@link Topics#VALIDATION_WARM_UP}) but counted in no metric. Any value.
     */
    public static final String WARM_UP = "patinox_warm_up";

    /** Header the dead-letter topics carry: why the record was refused. */
    public static final String DEAD_LETTER_REASON = "dead-letter-reason";

    private ReplyHeaders() {
    }

    /** The 4-byte big-endian form of a reply partition. */
    public static byte[] partitionToBytes(int partition) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(partition).array();
    }

    /** Reads a reply partition header; -1 when absent or malformed. */
    public static int partitionFromBytes(byte[] bytes) {
        return bytes == null || bytes.length != Integer.BYTES ? -1 : ByteBuffer.wrap(bytes).getInt();
    }
}
