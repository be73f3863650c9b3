package io.patinox.runtime.kafka;

import io.patinox.contracts.json.Json;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Writes a contract record as the contracts' JSON ({@link Json}); a null value (a tombstone) stays null. Subclassed
 * once per record type in {@link RecordSerdes}, so that Quarkus finds the serializer by a channel's payload type.
 *
 * <p>
 * It also writes the records a channel refused back to its dead-letter topic: SmallRye's dead-letter producer uses
 * the serializer named like the channel's deserializer, and a refused record reaches it with a null payload and its
 * original bytes in a header ({@link ContractViolationHandler}). Those bytes become the value, and the header is
 * dropped, so the dead letter carries them once: a record near the size limit still fits.
 */
public abstract class ContractSerializer<T> implements Serializer<T> {

    @Override
    public byte[] serialize(String topic, T record) {
        return record == null ? null : Json.encode(record);
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T record) {
        if (record == null && headers != null) {
            Header original = headers.lastHeader(ContractViolationHandler.ORIGINAL_VALUE);
            if (original != null) {
                // Headers are writable until the producer has serialized the record.
                headers.remove(ContractViolationHandler.ORIGINAL_VALUE);
                return original.value();
            }
        }
        return serialize(topic, record);
    }
}
