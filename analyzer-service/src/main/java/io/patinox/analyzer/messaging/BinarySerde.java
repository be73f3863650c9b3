package io.patinox.analyzer.messaging;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * A compact binary serde for the analyzer's internal records (repartition topic, state stores). Internal
 * formats only: every record on a public topic is JSON from the contracts.
 */
public abstract class BinarySerde<T> implements Serde<T>, Serializer<T>, Deserializer<T> {

    /** Writes the value's fields. */
    protected abstract void write(DataOutputStream out, T value) throws IOException;

    /** Reads what {@link #write} wrote. */
    protected abstract T read(DataInputStream in) throws IOException;

    @Override
    public byte[] serialize(String topic, T value) {
        if (value == null) {
            return null;
        }
        var bytes = new ByteArrayOutputStream(1024);
        try (var out = new DataOutputStream(bytes)) {
            write(out, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    @Override
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        try (var in = new DataInputStream(new ByteArrayInputStream(data))) {
            return read(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Serializer<T> serializer() {
        return this;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this;
    }

    @Override
    public void configure(java.util.Map<String, ?> configs, boolean isKey) {
        // Nothing to configure: the format is fixed.
    }

    @Override
    public void close() {
        // Nothing held.
    }

    /** Writes an enum's ordinal, -1 for null. */
    protected static void writeEnum(DataOutputStream out, Enum<?> value) throws IOException {
        out.writeByte(value == null ? -1 : value.ordinal());
    }

    /** Writes a string that may be null. */
    protected static void writeNullable(DataOutputStream out, String value) throws IOException {
        out.writeBoolean(value != null);
        if (value != null) {
            out.writeUTF(value);
        }
    }

    /** Reads what {@link #writeNullable} wrote. */
    protected static String readNullable(DataInputStream in) throws IOException {
        return in.readBoolean() ? in.readUTF() : null;
    }

    /** Reads what {@link #writeEnum} wrote. */
    protected static <E extends Enum<E>> E readEnum(DataInputStream in, E[] values) throws IOException {
        int ordinal = in.readByte();
        return ordinal < 0 ? null : values[ordinal];
    }
}
