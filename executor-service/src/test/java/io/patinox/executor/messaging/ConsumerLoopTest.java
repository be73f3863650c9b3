package io.patinox.executor.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The life of a consumer read by its own thread: assign, catch up, read, stop or die, and always close. */
class ConsumerLoopTest {

    private static final TopicPartition PARTITION = new TopicPartition("t", 0);
    private static final Duration WAIT = Duration.ofSeconds(5);

    private final MockConsumer<String, String> consumer = new MockConsumer<>("earliest");
    private final List<String> read = new CopyOnWriteArrayList<>();
    private final CountDownLatch assigned = new CountDownLatch(1);

    /** Reads the one partition from the beginning; caught up after {@code needed} records. */
    private ConsumerLoop.Reader<String, String> reader(int needed) {
        return new ConsumerLoop.Reader<>() {
            @Override
            public boolean assign(Consumer<String, String> c, BooleanSupplier running) {
                c.assign(List.of(PARTITION));
                consumer.updateBeginningOffsets(Map.of(PARTITION, 0L));
                c.seekToBeginning(List.of(PARTITION));
                assigned.countDown();
                return true;
            }

            @Override
            public boolean caughtUp(Consumer<String, String> c) {
                return read.size() >= needed;
            }

            @Override
            public void accept(ConsumerRecord<String, String> record) {
                if ("poison".equals(record.value())) {
                    throw new IllegalStateException("cannot read " + record.key());
                }
                read.add(record.value());
            }
        };
    }

    private void add(long offset, String value) {
        consumer.addRecord(new ConsumerRecord<>(PARTITION.topic(), PARTITION.partition(), offset, "k" + offset, value));
    }

    @Test
    void isReadyOnceTheReaderCaughtUpThenReadsOnUntilStoppedAndClosesTheConsumer() throws Exception {
        var loop = new ConsumerLoop<>("test-loop", consumer, reader(2), "nothing lost");
        loop.start();
        assertThat(assigned.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        assertThat(loop.awaitReady(Duration.ofMillis(100))).as("nothing read yet").isFalse();

        add(0, "a");
        add(1, "b");
        assertThat(loop.awaitReady(WAIT)).isTrue();
        assertThat(loop.isReady()).isTrue();
        add(2, "c");
        Awaitility.await().atMost(WAIT).until(() -> read.size() == 3);
        assertThat(read).containsExactly("a", "b", "c");

        loop.stop();
        assertThat(loop.hasEnded()).isTrue();
        assertThat(loop.isReady()).isFalse();
        assertThat(consumer.closed()).isTrue();
    }

    @Test
    void aReaderThatFailsEndsTheLoopAtOnceAndTheConsumerIsClosed() throws Exception {
        var loop = new ConsumerLoop<>("test-loop", consumer, reader(5), "a test failure");
        loop.start();
        assertThat(assigned.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        add(0, "poison");

        long start = System.nanoTime();
        assertThat(loop.awaitReady(Duration.ofSeconds(30))).isFalse();
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("not the whole timeout").isLessThan(WAIT);
        assertThat(loop.hasEnded()).isTrue();
        Awaitility.await().atMost(WAIT).until(consumer::closed);
        loop.stop();
    }

    /** A reader that assigns as {@code assign} says and keeps what it reads. */
    private ConsumerLoop.Reader<String, String> assigning(
            java.util.function.BiPredicate<Consumer<String, String>, BooleanSupplier> assign) {
        return new ConsumerLoop.Reader<>() {
            @Override
            public boolean assign(Consumer<String, String> c, BooleanSupplier running) {
                return assign.test(c, running);
            }

            @Override
            public void accept(ConsumerRecord<String, String> record) {
                read.add(record.value());
            }
        };
    }

    @Test
    void aReaderWithNothingToReadOrStoppedWhileWaitingEndsTheLoopQuietly() {
        var empty = new ConsumerLoop<>("test-loop", consumer, assigning((c, running) -> false), "nothing lost");
        empty.start();
        Awaitility.await().atMost(WAIT).until(empty::hasEnded);
        assertThat(consumer.closed()).isTrue();

        MockConsumer<String, String> waiting = new MockConsumer<>("earliest");
        var loop = new ConsumerLoop<>("test-loop", waiting, assigning((c, running) -> {
            while (running.getAsBoolean()) {
                Thread.onSpinWait(); // a topic that never comes
            }
            return false;
        }), "nothing lost");
        loop.start();
        loop.stop();
        assertThat(loop.hasEnded()).isTrue();
        assertThat(waiting.closed()).isTrue();
        assertThat(read).isEmpty();
    }

    @Test
    void aLoopStoppedBeforeItStartedClosesItsConsumer() {
        new ConsumerLoop<>("test-loop", consumer, reader(0), "nothing lost").stop();
        assertThat(consumer.closed()).isTrue();
    }
}
