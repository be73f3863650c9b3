package io.patinox.launcher;

import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.ReviewDecision;
import io.patinox.contracts.events.ReviewRequest;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A client of the mesh as any user would write one: publishes {@link TaskSubmitted} to
 * {@code patinox.tasks} and reads {@link StepEvent}s, {@link RunResult}s and {@link ReviewRequest}s as they arrive;
 * publishes a reviewer's {@link ReviewDecision} as any service may. It reads from the end of the topics as of
 * {@link #open}, so it sees only what happens after it started.
 */
public final class MeshClient implements AutoCloseable {

    private final KafkaProducer<String, byte[]> producer;
    private final KafkaConsumer<String, byte[]> consumer;

    private MeshClient(KafkaProducer<String, byte[]> producer, KafkaConsumer<String, byte[]> consumer) {
        this.producer = producer;
        this.consumer = consumer;
    }

    /** Connects and positions the reader at the current end of the steps and results topics. */
    public static MeshClient open(String bootstrapServers) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        Properties c = new Properties();
        c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        var consumer = new KafkaConsumer<String, byte[]>(c);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(Topics.STEPS, Topics.RESULTS, Topics.REVIEW_REQUESTS)) {
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve the positions now, before any task is sent
        return new MeshClient(new KafkaProducer<>(p), consumer);
    }

    /** Publishes a task and waits for the broker to acknowledge it. */
    public void submit(TaskSubmitted task) {
        publish(Topics.TASKS, task.taskId(), task, "task " + task.taskId());
    }

    /** Publishes a review decision to {@code patinox.review.decisions} and waits for the broker to acknowledge it. */
    public void decide(ReviewDecision decision) {
        publish(Topics.REVIEW_DECISIONS, decision.reviewId(), decision, "the decision on review " + decision.reviewId());
    }

    /** Publishes {@code event} under {@code key} and waits for the broker to acknowledge it. */
    private void publish(String topic, String key, Event event, String what) {
        try {
            producer.send(new ProducerRecord<>(topic, key, Json.encode(event))).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot publish " + what, e);
        }
    }

    /** Reads what arrived within {@code wait}, handing each event to its listener. */
    public void poll(Duration wait, Consumer<StepEvent> onStep, Consumer<RunResult> onResult) {
        poll(wait, onStep, onResult, review -> {
        });
    }

    /** Reads what arrived within {@code wait}, handing each event, review requests included, to its listener. */
    public void poll(Duration wait, Consumer<StepEvent> onStep, Consumer<RunResult> onResult,
            Consumer<ReviewRequest> onReview) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            try {
                if (Topics.STEPS.equals(r.topic())) {
                    onStep.accept(Json.decode(r.value(), StepEvent.class));
                } else if (Topics.REVIEW_REQUESTS.equals(r.topic())) {
                    onReview.accept(Json.decode(r.value(), ReviewRequest.class));
                } else {
                    onResult.accept(Json.decode(r.value(), RunResult.class));
                }
            } catch (ContractViolation e) {
                System.err.println("skipping unreadable record on " + r.topic() + ": " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
        consumer.close(Duration.ofSeconds(5));
    }
}
