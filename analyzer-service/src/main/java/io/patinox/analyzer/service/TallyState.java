package io.patinox.analyzer.service;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.HdrHistogram.Histogram;

/**
 * The binary state format of a {@link Tally} (state stores and changelogs). Histograms use HdrHistogram's own
 * encoding, which stores runs of empty buckets compactly.
 */
public final class TallyState {

    /**
     * Bump when the layout changes; unknown state is then refused rather than misread. 2 added the scope and the
     * histogram count; format 1 (agent scope, four histograms) is still read.
     */
    static final int FORMAT = 2;

    private static final ThreadLocal<ByteBuffer> BUFFER = ThreadLocal.withInitial(() -> ByteBuffer.allocate(64 * 1024));

    private TallyState() {
    }

    /** Writes a tally. */
    public static void write(DataOutputStream out, Tally t) throws IOException {
        out.writeByte(FORMAT);
        out.writeUTF(t.agent == null ? "" : t.agent);
        out.writeUTF(t.configVersion == null ? "" : t.configVersion);
        out.writeByte(t.scope.dimension().ordinal());
        out.writeUTF(t.scope.name() == null ? "" : t.scope.name());
        out.writeLong(t.runs);
        out.writeLong(t.steps);
        out.writeLong(t.replies);
        out.writeLong(t.errors);
        out.writeLong(t.timeouts);
        out.writeLong(t.lateEvents);
        writeLongs(out, t.verdicts);
        writeLongs(out, t.statuses);
        out.writeLong(t.inputTokens);
        out.writeLong(t.outputTokens);
        out.writeDouble(t.costUsd);
        out.writeLong(t.firstEventMillis);
        out.writeLong(t.lastEventMillis);
        out.writeByte(t.latencies.length);
        for (int i = 0; i < t.latencies.length; i++) {
            if (t.encoded[i] == null) {
                t.encoded[i] = encode(t.latencies[i]);
            }
            out.writeInt(t.encoded[i].length);
            out.write(t.encoded[i]);
        }
    }

    /** Reads what {@link #write} wrote. */
    public static Tally read(DataInputStream in, int digits) throws IOException {
        int format = in.readByte();
        if (format != FORMAT && format != 1) {
            throw new IOException("unknown tally state format " + format);
        }
        Tally t = new Tally(digits);
        String agent = in.readUTF();
        String version = in.readUTF();
        t.agent = agent.isEmpty() ? null : agent;
        t.configVersion = version.isEmpty() ? null : version;
        if (format >= 2) {
            var dimension = Scope.Dimension.values()[in.readByte()];
            String name = in.readUTF();
            t.scope = dimension == Scope.Dimension.AGENT ? Scope.AGENT : new Scope(dimension, name);
        }
        t.runs = in.readLong();
        t.steps = in.readLong();
        t.replies = in.readLong();
        t.errors = in.readLong();
        t.timeouts = in.readLong();
        t.lateEvents = in.readLong();
        readLongs(in, t.verdicts);
        readLongs(in, t.statuses);
        t.inputTokens = in.readLong();
        t.outputTokens = in.readLong();
        t.costUsd = in.readDouble();
        t.firstEventMillis = in.readLong();
        t.lastEventMillis = in.readLong();
        int histograms = format >= 2 ? in.readByte() : 4;
        for (int i = 0; i < histograms; i++) {
            byte[] bytes = new byte[in.readInt()];
            in.readFully(bytes);
            Histogram h = Histogram.decodeFromByteBuffer(ByteBuffer.wrap(bytes), 2);
            h.setAutoResize(true);
            t.latencies[i] = h;
            t.encoded[i] = bytes;
        }
        return t;
    }

    /** HdrHistogram's uncompressed V2 encoding (empty bucket runs are already compact), through a reused buffer. */
    private static byte[] encode(Histogram h) {
        int needed = h.getNeededByteBufferCapacity();
        ByteBuffer buffer = BUFFER.get();
        if (buffer.capacity() < needed) {
            buffer = ByteBuffer.allocate(Math.max(needed, buffer.capacity() * 2));
            BUFFER.set(buffer);
        }
        buffer.clear();
        int length = h.encodeIntoByteBuffer(buffer);
        byte[] bytes = new byte[length];
        System.arraycopy(buffer.array(), 0, bytes, 0, length);
        return bytes;
    }

    private static void writeLongs(DataOutputStream out, long[] values) throws IOException {
        out.writeByte(values.length);
        for (long v : values) {
            out.writeLong(v);
        }
    }

    private static void readLongs(DataInputStream in, long[] into) throws IOException {
        int n = in.readByte();
        for (int i = 0; i < n; i++) {
            long v = in.readLong();
            if (i < into.length) {
                into[i] = v;
            }
        }
    }
}
