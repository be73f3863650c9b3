package io.patinox.deploy.local;

import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.topics.Topics.TopicSpec;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the mesh's topics up front with explicit partitions and, for aggregates, compaction. Creating
 * them before any client starts avoids {@code UNKNOWN_TOPIC_OR_PARTITION} noise and auto-created topics
 * with the wrong settings.
 */
public final class TopicSetup {

    private TopicSetup() {
    }

    /** Creates every topic of {@link Topics#all()} that does not exist yet; returns the names created. */
    public static Set<String> ensureAll(String bootstrapServers) {
        return ensure(bootstrapServers, Topics.all());
    }

    /** Creates the given topics that do not exist yet and waits until the broker lists them all. */
    public static Set<String> ensure(String bootstrapServers, List<TopicSpec> specs) {
        Properties props = new Properties();
        props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (Admin admin = Admin.create(props)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = specs.stream()
                    .filter(s -> !existing.contains(s.name()))
                    .map(TopicSetup::newTopic)
                    .toList();
            for (var entry : admin.createTopics(missing).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey(), e.getCause());
                    }
                }
            }
            return missing.stream().map(NewTopic::name).collect(java.util.stream.Collectors.toSet());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach the broker at " + bootstrapServers + " to create topics", e);
        }
    }

    static NewTopic newTopic(TopicSpec spec) {
        Map<String, String> configs = new HashMap<>();
        if (spec.compacted()) {
            configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, spec.cleanupPolicy());
            if (spec.retention() != null) {
                configs.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(spec.retention().toMillis()));
            }
            configs.put(TopicConfig.MIN_CLEANABLE_DIRTY_RATIO_CONFIG, "0.1");
            configs.put(TopicConfig.SEGMENT_MS_CONFIG, "600000");
        }
        return new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(configs);
    }
}
