package io.patinox.executor.messaging;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;

/**
 * A plain Kafka consumer read by a thread of its own, for the followers that are no SmallRye channel because
 * they read without a consumer group from positions they choose (the validation replies, the run journal). The
 * {@link Reader} assigns and seeks, says when it has caught up (the loop is then {@link #isReady() ready}) and
 * takes every record. {@link #stop()} wakes the consumer up and waits for the thread, which closes it. The
 * consumer is touched by that thread only, as Kafka requires, except for the wake-up.
 *
 * @param <K> the records' key type
 * @param <V> the records' value type
 */
public final class ConsumerLoop<K, V> {

    private static final Logger LOG = Logger.getLogger(ConsumerLoop.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);

    /** What a loop does with its consumer; every method runs on the loop's thread. */
    public interface Reader<K, V> {

        /**
         * Assigns partitions and seeks to where reading starts; false when there is nothing to read (the loop
         * ends). {@code running} turns false when the loop is stopped, for a reader that waits for its topic.
         */
        boolean assign(Consumer<K, V> consumer, BooleanSupplier running);

        /** Whether what had to be read before the loop is ready has been; asked before each poll until true. */
        default boolean caughtUp(Consumer<K, V> consumer) {
            return true;
        }

        /** One record. */
        void accept(ConsumerRecord<K, V> record);
    }

    private final String name;
    private final Consumer<K, V> consumer;
    private final Reader<K, V> reader;
    private final String failure;
    private final CountDownLatch settled = new CountDownLatch(1);
    private volatile boolean running;
    private volatile boolean ready;
    private volatile boolean ended;
    private Thread thread;

    /**
     * @param name the thread's name
     * @param consumer the consumer, owned by the loop from now on
     * @param reader what is read and how
     * @param failure what it means when the loop dies of an error, for the log
     */
    public ConsumerLoop(String name, Consumer<K, V> consumer, Reader<K, V> reader, String failure) {
        this.name = name;
        this.consumer = consumer;
        this.reader = reader;
        this.failure = failure;
    }

    /** Starts the thread (once). */
    public synchronized void start() {
        if (thread != null) {
            throw new IllegalStateException(name + " started already");
        }
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops reading and waits (a few seconds at most) for the thread to close the consumer. */
    public void stop() {
        running = false;
        consumer.wakeup();
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) {
            consumer.close(Duration.ZERO); // never started: no thread owns it
            return;
        }
        try {
            t.join(STOP_WAIT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the reader has caught up and the loop is still reading. */
    public boolean isReady() {
        return ready;
    }

    /** Whether the loop has ended: stopped, nothing to read, or failed. */
    public boolean hasEnded() {
        return ended;
    }

    /** Waits up to {@code timeout} until the loop is ready or has ended; true when it is ready. */
    public boolean awaitReady(Duration timeout) {
        try {
            settled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return ready;
    }

    private void run() {
        try {
            if (!reader.assign(consumer, () -> running)) {
                return;
            }
            while (running) {
                if (!ready && reader.caughtUp(consumer)) {
                    ready = true;
                    settled.countDown();
                }
                for (ConsumerRecord<K, V> record : consumer.poll(POLL)) {
                    reader.accept(record);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s stopped; %s", name, failure);
        } finally {
            ready = false;
            ended = true;
            settled.countDown();
            consumer.close(Duration.ofSeconds(2));
        }
    }
}
