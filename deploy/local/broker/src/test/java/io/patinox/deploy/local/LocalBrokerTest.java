package io.patinox.deploy.local;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBrokerTest {

    @Test
    void topicsAreCreatedWithPartitionsAndCompaction() throws Exception {
        // Its own broker: the tests' shared one (testkit's SharedTestBroker) is built on this module.
        try (LocalBroker broker = LocalBroker.start(LocalBroker.Options.ephemeral());
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            String bootstrap = broker.bootstrapServers();
            assertThat(bootstrap).startsWith("127.0.0.1:");
            TopicSetup.ensureAll(bootstrap);
            Map<String, TopicDescription> topics = admin.describeTopics(
                    Topics.all().stream().map(Topics.TopicSpec::name).toList()).allTopicNames().get(10, TimeUnit.SECONDS);
            for (Topics.TopicSpec spec : Topics.all()) {
                assertThat(topics.get(spec.name()).partitions()).as(spec.name()).hasSize(spec.partitions());
            }
            var resource = new ConfigResource(ConfigResource.Type.TOPIC, Topics.AGGREGATES);
            var config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            // A second call is harmless: nothing left to create.
            assertThat(TopicSetup.ensureAll(bootstrap)).isEmpty();
        }
    }

    @Test
    void dataSurvivesARestartInTheSameDirectory(@TempDir Path dir) throws Exception {
        String topic = "patinox.test.restart";
        int port = freePort();
        int controllerPort = freePort();
        var options = LocalBroker.Options.persistent("127.0.0.1", port, controllerPort, dir);
        try (LocalBroker broker = LocalBroker.start(options)) {
            TopicSetup.ensure(broker.bootstrapServers(), List.of(new Topics.TopicSpec(topic, 1, false)));
            try (var producer = new KafkaProducer<String, String>(producerProps(broker.bootstrapServers()))) {
                producer.send(new ProducerRecord<>(topic, "k", "kept")).get(10, TimeUnit.SECONDS);
            }
        }
        assertThat(Files.readString(dir.resolve("cluster.id"), StandardCharsets.UTF_8)).isNotBlank();
        try (LocalBroker broker = LocalBroker.start(options);
                var consumer = new KafkaConsumer<String, String>(consumerProps(broker.bootstrapServers()))) {
            var tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.currentTimeMillis() + 20_000;
            String value = null;
            while (value == null && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    value = r.value();
                }
            }
            assertThat(value).isEqualTo("kept");
        }
    }

    static int freePort() throws java.io.IOException {
        try (var socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static Properties producerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        return p;
    }

    static Properties consumerProps(String bootstrap) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }
}
