package io.patinox.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.runtime.kafka.RecordSerdes.TaskSubmittedDeserializer;
import io.patinox.runtime.kafka.RecordSerdes.TaskSubmittedSerializer;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** The contract records cross Kafka as the contracts' JSON, and a record that does not match is refused safely. */
class RecordSerdesTest {

    static final String EMAIL = "zoe.quint@pii-example.org";
    static final String TOPIC = Topics.TASKS;
    static final TaskSubmitted TASK = new TaskSubmitted(TaskSubmitted.SCHEMA_VERSION, "t-1", "support",
            "What is 17 * 23?", Map.of("tenant", "acme"), Instant.parse("2026-11-25T10:00:00Z"));

    final TaskSubmittedSerializer serializer = new TaskSubmittedSerializer();
    final TaskSubmittedDeserializer deserializer = new TaskSubmittedDeserializer();

    @Test
    void aRecordComesBackAsItWasWritten() {
        byte[] bytes = serializer.serialize(TOPIC, TASK);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).contains("\"taskId\":\"t-1\"");
        assertThat(deserializer.deserialize(TOPIC, bytes)).isEqualTo(TASK);
        assertThat(deserializer.type()).isEqualTo(TaskSubmitted.class);
    }

    @Test
    void aTombstoneStaysNullButIsNoRecordWhereOneIsRequired() {
        assertThat(serializer.serialize(TOPIC, null)).isNull();
        assertThat(deserializer.deserialize(TOPIC, null)).isNull();
        assertThatThrownBy(() -> deserializer.read(null)).isInstanceOf(ContractViolation.class)
                .hasMessage("empty message in TaskSubmitted");
    }

    @Test
    void aRecordThatDoesNotMatchIsRefusedWithAReasonThatNeverQuotesIt() {
        String json = "{\"schemaVersion\":1,\"taskId\":\"t\",\"agent\":\"a\",\"input\":\"" + EMAIL + "\",\"oops\":";
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, json.getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ContractViolation.class)
                .hasMessage("not valid JSON in TaskSubmitted")
                .hasNoCause();
        byte[] otherVersion = "{\"schemaVersion\":99}".getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, otherVersion))
                .hasMessage("unsupported schemaVersion 99 of TaskSubmitted (this reader understands 1)");
        String noAgent = Json.encodeToString(TASK).replace("\"agent\":\"support\",", "");
        assertThatThrownBy(() -> deserializer.deserialize(TOPIC, noAgent.getBytes(StandardCharsets.UTF_8)))
                .hasMessageContaining("missing required field 'agent'");
    }

    @Test
    void aRefusedRecordReachesItsDeadLetterTopicWithItsOriginalBytesOnce() {
        byte[] original = "{this is not json".getBytes(StandardCharsets.UTF_8);
        var headers = new RecordHeaders();
        Object payload = new ContractViolationHandler().decorateDeserialization(
                Uni.createFrom().item(() -> deserializer.deserialize(TOPIC, original)), TOPIC, false,
                TaskSubmittedDeserializer.class.getName(), original, headers);

        assertThat(payload).isNull();
        assertThat(new String(headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_REASON).value(),
                StandardCharsets.UTF_8)).isEqualTo("not valid JSON in TaskSubmitted");
        assertThat(headers.lastHeader(DeserializationFailureHandler.DESERIALIZATION_FAILURE_DLQ)).isNotNull();
        // The dead-letter producer serializes the null payload with the same headers: the value is the original.
        assertThat(serializer.serialize(Topics.dlq(TOPIC), headers, null)).isEqualTo(original);
        assertThat(headers.lastHeader(ContractViolationHandler.ORIGINAL_VALUE)).isNull();
    }

    @Test
    void aRecordThatDecodesIsLeftAlone() {
        var headers = new RecordHeaders();
        byte[] bytes = serializer.serialize(TOPIC, TASK);
        Object payload = new ContractViolationHandler().decorateDeserialization(
                Uni.createFrom().item(() -> deserializer.deserialize(TOPIC, bytes)), TOPIC, false,
                TaskSubmittedDeserializer.class.getName(), bytes, headers);
        assertThat(payload).isEqualTo(TASK);
        assertThat(headers.toArray()).isEmpty();
    }

    @Test
    void everyEventHasASerializerNamedLikeItsDeserializer() throws ClassNotFoundException {
        // SmallRye's dead-letter producer takes the serializer whose name mirrors the channel's deserializer.
        for (Class<?> event : Event.class.getPermittedSubclasses()) {
            String deserializer = RecordSerdes.class.getName() + "$" + event.getSimpleName() + "Deserializer";
            assertThat(Class.forName(deserializer)).isAssignableTo(ContractDeserializer.class);
            assertThat(Class.forName(deserializer.replace("Deserializer", "Serializer")))
                    .isAssignableTo(ContractSerializer.class);
        }
    }

}
