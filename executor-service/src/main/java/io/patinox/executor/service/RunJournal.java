package io.patinox.executor.service;

import io.patinox.contracts.json.Json;
import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.messaging.ConsumerLoop;
import io.patinox.executor.messaging.KafkaClientSettings;
import io.patinox.executor.messaging.PlainKafkaClients;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The executor's run journal on the compacted topic {@code patinox.runs} (key taskId): a checkpoint after
 * every validated step and a final one with the result. It also follows {@code patinox.results}: a task whose
 * result is there has ended, even when the executor stopped between publishing it and its final checkpoint. Every instance
 * follows the whole topic, so a
 * task id finished by any instance is never run again (within the topic's retention), and a task
 * redelivered after a crash resumes from its last checkpoint.
 */
@ApplicationScoped
public class RunJournal {

    private static final Logger LOG = Logger.getLogger(RunJournal.class);

    @Inject
    ExecutorConfig config;

    @ConfigProperty(name = "kafka.bootstrap.servers", defaultValue = "127.0.0.1:9092")
    String bootstrap;

    /** Every kafka.* setting (security included), shared with the SmallRye channels. */
    @Inject
    KafkaClientSettings kafkaSettings;

    /** The results topic: a result there means its task ended, even if its final checkpoint was never written. */
    @ConfigProperty(name = "mp.messaging.outgoing.results.topic", defaultValue = "patinox.results")
    String resultsTopic;

    /** Told about every result read, for the quotas' daily usage and runs in progress. */
    @Inject
    jakarta.enterprise.event.Event<ResultSeen> resultSeen;

    private final Map<String, RunCheckpoint> latest = new ConcurrentHashMap<>();
    private final Map<String, io.patinox.contracts.events.RunResult> published = new ConcurrentHashMap<>();
    /** The checkpoint producer and the follower of the journal and the results; null while the journal is off. */
    private PlainKafkaClients clients;

    void start(@Observes StartupEvent event) {
        if (!config.runs().journal()) {
            return;
        }
        if (config.runs().createTopic()) {
            createTopic();
        }
        clients = PlainKafkaClients.start(kafkaSettings.producer(bootstrap, "executor-run-journal"), "run-journal",
                kafkaSettings.consumer(bootstrap, "executor-run-journal-reader"), new Follower(),
                "finished tasks may run again after a restart");
    }

    void stop(@Observes ShutdownEvent event) {
        if (clients != null) {
            clients.stop();
        }
    }

    /**
     * Waits until the journal has read the topic up to where it ended at start; false on timeout. A journal that
     * is off, or whose follower died (logged), does not hold runs up.
     */
    public boolean awaitLoaded(Duration timeout) {
        return clients == null || clients.follower().awaitReady(timeout) || clients.follower().hasEnded();
    }

    /**
     * The result of {@code taskId} on the results topic, if one was published and the run's final checkpoint is not
     * known (once it is, {@link #find} holds the result): an executor that stopped after publishing it but before its
     * final checkpoint leaves the task ended, and it must not run again.
     */
    public Optional<io.patinox.contracts.events.RunResult> published(String taskId) {
        return Optional.ofNullable(published.get(taskId));
    }

    /** The latest checkpoint of {@code taskId}, if any instance wrote one. */
    public Optional<RunCheckpoint> find(String taskId) {
        return Optional.ofNullable(latest.get(taskId));
    }

    /** Every run waiting for a reviewer, as the latest checkpoints of all instances say. */
    public List<RunCheckpoint> suspended() {
        return latest.values().stream().filter(c -> c.state() == RunCheckpoint.State.SUSPENDED)
                .sorted(java.util.Comparator.comparing(RunCheckpoint::occurredAt)).toList();
    }

    /** The latest checkpoint of the run whose review is {@code reviewId}, waiting or decided. */
    public Optional<RunCheckpoint> byReview(String reviewId) {
        return latest.values().stream().filter(c -> c.review() != null && c.review().reviewId().equals(reviewId)).findFirst();
    }

    /**
     * Writes a checkpoint and waits for the broker's acknowledgement.
     *
     * @throws IllegalStateException when it cannot be written: the run must not go on unrecorded
     */
    public void save(RunCheckpoint checkpoint) {
        latest.put(checkpoint.taskId(), checkpoint.kept());
        forgetPublishedOnceDone(checkpoint);
        if (clients == null) {
            return;
        }
        try {
            clients.producer().send(new ProducerRecord<>(config.runs().topic(), checkpoint.taskId(), Json.encode(checkpoint)))
                    .get(config.publish().sendTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while writing the checkpoint of " + checkpoint.taskId(), e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot write the checkpoint of " + checkpoint.taskId() + ": " + e, e);
        }
    }

    /** Reads the journal and the results from their beginning; caught up at the end offsets they had then. */
    private final class Follower implements ConsumerLoop.Reader<String, byte[]> {

        private final Map<TopicPartition, Long> end = new HashMap<>();
        private int read;

        @Override
        public boolean assign(Consumer<String, byte[]> consumer, BooleanSupplier running) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String t : List.of(config.runs().topic(), resultsTopic)) {
                consumer.partitionsFor(t, Duration.ofSeconds(30))
                        .forEach(p -> partitions.add(new TopicPartition(p.topic(), p.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            end.putAll(consumer.endOffsets(partitions));
            return true;
        }

        @Override
        public boolean caughtUp(Consumer<String, byte[]> consumer) {
            if (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                return false;
            }
            LOG.infof("Run journal %s loaded: %d record(s), %d task(s)", config.runs().topic(), read, latest.size());
            return true;
        }

        @Override
        public void accept(ConsumerRecord<String, byte[]> record) {
            apply(record);
            read++;
        }
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        if (record.key() == null) {
            return;
        }
        if (record.topic().equals(resultsTopic)) {
            io.patinox.contracts.events.RunResult result;
            try {
                result = Json.decode(record.value(), io.patinox.contracts.events.RunResult.class);
            } catch (RuntimeException e) {
                return; // not ours to judge: the analyzer dead-letters bad results
            }
            RunCheckpoint known = latest.get(result.taskId());
            if (known == null || known.state() != RunCheckpoint.State.DONE) {
                published.put(result.taskId(), result);
            }
            try {
                resultSeen.fire(new ResultSeen(result));
            } catch (RuntimeException e) {
                LOG.warnf("An observer of the result of %s failed: %s", result.taskId(), e.toString());
            }
            return;
        }
        if (record.value() == null) {
            latest.remove(record.key());
            return;
        }
        try {
            RunCheckpoint c = Json.decode(record.value(), RunCheckpoint.class).kept();
            // Our own writes are already applied; never let an older record replace a newer one.
            forgetPublishedOnceDone(
                    latest.merge(c.taskId(), c, (old, neu) -> neu.occurredAt().isBefore(old.occurredAt()) ? old : neu));
        } catch (RuntimeException e) {
            LOG.warnf("Skipping unreadable checkpoint for %s: %s", record.key(), e.getMessage());
        }
    }

    /**
     * A published result is kept only until the run's final checkpoint is known: that checkpoint holds the same result
     * and is what {@code find} answers first, so keeping both doubled the memory of every finished task.
     */
    private void forgetPublishedOnceDone(RunCheckpoint checkpoint) {
        if (checkpoint.state() == RunCheckpoint.State.DONE) {
            published.remove(checkpoint.taskId());
        }
    }

    private void createTopic() {
        Properties p = kafkaSettings.base(bootstrap);
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(p)) {
            NewTopic topic = new NewTopic(config.runs().topic(), Optional.of(config.runs().partitions()), Optional.empty())
                    .configs(Map.of("cleanup.policy", "compact,delete",
                            "retention.ms", Long.toString(config.runs().retention().toMillis())));
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            LOG.infof("Created topic %s", config.runs().topic());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                LOG.warnf("Cannot create topic %s: %s", config.runs().topic(), e.getCause());
            }
        } catch (Exception e) {
            LOG.warnf("Cannot create topic %s: %s", config.runs().topic(), e);
        }
    }
}
