package io.patinox.runtime.kafka;

import io.patinox.contracts.json.ContractViolation;
import io.patinox.contracts.json.Json;
import java.lang.reflect.ParameterizedType;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Reads a contract record with the contracts' strict codec ({@link Json}); a null value (a tombstone) stays null.
 * A record that does not match its contract throws a {@link ContractViolation} whose message is a
 * {@link RefusalReason}: the fault, the field and the record type, never the record's content, and no cause (the
 * decoder's own messages quote it). Subclassed once per record type in {@link RecordSerdes}, so that Quarkus finds
 * the deserializer by a channel's payload type.
 */
public abstract class ContractDeserializer<T> implements Deserializer<T> {

    private final Class<T> type;

    /** Reads the record type this subclass names as its type argument. */
    @SuppressWarnings("unchecked")
    protected ContractDeserializer() {
        this.type = (Class<T>) ((ParameterizedType) getClass().getGenericSuperclass()).getActualTypeArguments()[0];
    }

    /** The record type read. */
    public Class<T> type() {
        return type;
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        return data == null ? null : read(data);
    }

    /** Reads a record where a tombstone has no place: null is refused too. */
    public T read(byte[] data) {
        try {
            return Json.decode(data, type);
        } catch (RuntimeException e) {
            String field = e instanceof ContractViolation violation ? violation.field() : null;
            throw new ContractViolation(RefusalReason.of(e, type), field, null);
        }
    }
}
