package io.patinox.testkit;

import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Plays the validator service in tests: follows every validation request and answers on the reply topic named
 * in its headers, copying the correlation id. What it answers is decided per task id ({@link #on}); unknown
 * tasks get an immediate {@code Allow}. One instance per test JVM for the shared broker ({@link #get()}); one of its
 * own for another broker ({@link #against(TestKafka)}).
 */
public final class TestValidator implements AutoCloseable {

    /** How to answer one request: a verdict after a delay, or {@code null} verdict for no answer at all. */
    public record Answer(Verdict verdict, long delayMillis) {
        public static Answer now(Verdict verdict) {
            return new Answer(verdict, 0);
        }

        public static Answer silent() {
            return new Answer(null, 0);
        }
    }

    /** A request seen and, if answered, when the reply was handed to the producer. */
    public record Seen(ValidationRequest request, Map<String, String> headers, Instant receivedAt, Instant replySentAt) {
    }

    private static final String SHARED_THREAD = "test-validator";
    private static TestValidator instance;

    private final Map<String, Function<ValidationRequest, Answer>> behaviours = new ConcurrentHashMap<>();
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private final TestKafka kafka;
    private final TestKafka.Follower requests;
    private final Thread thread;

    private TestValidator(TestKafka kafka, String threadName) {
        this.kafka = kafka;
        this.requests = kafka.followFromEnd(Topics.VALIDATION_REQUESTS);
        thread = new Thread(this::loop, threadName);
        thread.setDaemon(true);
        thread.start();
    }

    /** The validator of this test JVM, started on first use. */
    public static synchronized TestValidator get() {
        if (instance == null) {
            // A test profile restarts the application and loads the test classes again, so an earlier class loader's
            // validator may still run; it would answer every request too (allow, by default) and race this one.
            Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(SHARED_THREAD))
                    .forEach(Thread::interrupt);
            instance = new TestValidator(TestKafka.shared(), SHARED_THREAD);
        }
        return instance;
    }

    /** A validator answering the requests on {@code kafka}'s broker (not the shared one), until it is closed. */
    public static TestValidator against(TestKafka kafka) {
        return new TestValidator(kafka, "test-validator-of-its-broker");
    }

    /** Stops answering, e.g. before its broker stops (its client would otherwise retry the broker until the JVM ends). */
    @Override
    public void close() {
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Answers the requests of {@code taskId} with {@code behaviour}. */
    public void on(String taskId, Function<ValidationRequest, Answer> behaviour) {
        behaviours.put(taskId, behaviour);
    }

    /** The requests seen for {@code taskId}, in arrival order. */
    public List<Seen> seen(String taskId) {
        return seen.stream().filter(s -> s.request().taskId().equals(taskId)).toList();
    }

    private void loop() {
        try {
            answer();
        } finally {
            // Cleared first: the consumer's close would otherwise fail on the interrupt that ended the loop.
            Thread.interrupted();
            requests.close();
        }
    }

    /** Answers every request until the thread is interrupted; the consumer is used and closed on this thread only. */
    private void answer() {
        while (!Thread.currentThread().isInterrupted()) {
            List<ConsumerRecord<String, byte[]>> polled;
            try {
                polled = requests.poll();
            } catch (org.apache.kafka.common.errors.InterruptException e) {
                return;
            }
            for (ConsumerRecord<String, byte[]> record : polled) {
                Instant received = Instant.now();
                ValidationRequest request = Json.decode(record.value(), ValidationRequest.class);
                // The correlation id is binary (16 bytes): it is copied, not read as text.
                Map<String, String> headers = TestKafka.headers(record);
                headers.remove(ReplyHeaders.CORRELATION_ID);
                Answer answer = behaviours.getOrDefault(request.taskId(), r -> Answer.now(Verdict.allow())).apply(request);
                if (answer.verdict() == null) {
                    seen.add(new Seen(request, headers, received, null));
                    continue;
                }
                if (answer.delayMillis() > 0) {
                    // Delayed answers go out on their own thread, so other requests are not held up.
                    new Thread(() -> {
                        sleep(answer.delayMillis());
                        seen.add(new Seen(request, headers, received, reply(record, request, answer.verdict())));
                    }).start();
                } else {
                    seen.add(new Seen(request, headers, received, reply(record, request, answer.verdict())));
                }
            }
        }
    }

    private Instant reply(ConsumerRecord<String, byte[]> record, ValidationRequest request, Verdict verdict) {
        var reply = new ProducerRecord<String, byte[]>(TestKafka.header(record, ReplyHeaders.REPLY_TOPIC), request.runId(),
                Json.encode(ValidationReply.answering(request, "test", verdict, List.of(), 0, Instant.now())));
        reply.headers().add(ReplyHeaders.CORRELATION_ID, record.headers().lastHeader(ReplyHeaders.CORRELATION_ID).value());
        Instant sentAt = Instant.now();
        kafka.sendAsync(reply);
        return sentAt;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
