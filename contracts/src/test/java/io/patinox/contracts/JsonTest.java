package io.patinox.contracts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.verdict.Verdict;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void everyRecordSurvivesARoundTrip() {
        for (Object sample : Samples.all()) {
            byte[] bytes = Json.encode(sample);
            assertThat(Json.decode(bytes, sample.getClass())).as(sample.getClass().getSimpleName()).isEqualTo(sample);
        }
    }

    @Test
    void wireFormatIsPlainJsonWithIsoInstantsAndTypeTags() {
        String json = Json.encodeToString(Samples.reply());
        assertThat(json).contains("\"occurredAt\":\"2026-11-25T")
                .contains("\"kind\":\"modify\"")
                .contains("\"type\":\"final_answer\"")
                .contains("\"schemaVersion\":1");
    }

    @Test
    void aClientCanPublishATaskWithoutJava() {
        String fromKcat = """
                {"schemaVersion":1,"taskId":"t-9","agent":"support","input":"hi","occurredAt":"2026-11-25T10:00:00Z"}""";
        TaskSubmitted task = Json.decode(fromKcat, TaskSubmitted.class);
        assertThat(task.taskId()).isEqualTo("t-9");
        assertThat(task.metadata()).isEmpty();
    }

    @Test
    void notJsonIsRefusedWithItsPosition() {
        assertThatThrownBy(() -> Json.decode("hello, executor", TaskSubmitted.class))
                .isInstanceOf(ContractViolation.class)
                .hasMessageContaining("not valid JSON")
                .hasMessageContaining("line 1");
    }

    @Test
    void missingFieldIsNamed() {
        assertThatThrownBy(() -> Json.decode("""
                {"schemaVersion":1,"taskId":"t-1","input":"hi","occurredAt":"2026-11-25T10:00:00Z"}""",
                TaskSubmitted.class))
                .isInstanceOf(ContractViolation.class)
                .hasMessageContaining("'agent'");
    }

    @Test
    void unknownFieldIsNamed() {
        assertThatThrownBy(() -> Json.decode("""
                {"schemaVersion":1,"taskId":"t-1","agent":"a","input":"hi","priority":3,"occurredAt":"2026-11-25T10:00:00Z"}""",
                TaskSubmitted.class))
                .isInstanceOf(ContractViolation.class)
                .hasMessageContaining("unknown field 'priority'")
                .extracting(e -> ((ContractViolation) e).field()).isEqualTo("priority");
    }

    @Test
    void wrongSchemaVersionIsRefused() {
        assertThatThrownBy(() -> Json.decode("""
                {"schemaVersion":7,"taskId":"t-1","agent":"a","input":"hi","occurredAt":"2026-11-25T10:00:00Z"}""",
                TaskSubmitted.class))
                .isInstanceOf(ContractViolation.class)
                .hasMessageContaining("unsupported schemaVersion 7");
        assertThatThrownBy(() -> Json.decode("""
                {"taskId":"t-1","agent":"a","input":"hi","occurredAt":"2026-11-25T10:00:00Z"}""",
                TaskSubmitted.class))
                .hasMessageContaining("'schemaVersion'");
        // A record of another version that also differs in shape is refused for its version, not its shape.
        assertThatThrownBy(() -> Json.decode("{\"schemaVersion\":99,\"renamed\":true}",
                ValidationRequest.class))
                .isInstanceOf(ContractViolation.class)
                .hasMessageContaining("unsupported schemaVersion 99 of ValidationRequest")
                .extracting(e -> ((ContractViolation) e).field()).isEqualTo("schemaVersion");
    }

    @Test
    void wrongTypeIsNamedWithItsPath() {
        assertRefusedWhenEdited(Samples.request(), "\"stepIndex\":0", "\"stepIndex\":\"first\"")
                .hasMessageContaining("'stepIndex'");
    }

    @Test
    void nestedMissingFieldIsNamed() {
        assertRefusedWhenEdited(Samples.request(), "\"tool\":\"calculator\",", "")
                .hasMessageContaining("'tool'")
                .hasMessageContaining("action");
    }

    @Test
    void unknownVerdictKindIsRefused() {
        assertRefusedWhenEdited(Samples.reply(), "\"kind\":\"modify\"", "\"kind\":\"shrug\"")
                .hasMessageContaining("shrug")
                .hasMessageContaining("verdict");
    }

    @Test
    void reasonsNeverQuoteTheRecordsValues() {
        String secret = "jane.doe@example.com-4111111111111111";
        assertThatThrownBy(() -> Json.decode(secret + " is not json", TaskSubmitted.class))
                .hasMessageContaining("not valid JSON").hasMessageContaining("Unrecognized token (not shown)")
                .hasMessageNotContaining("jane");
        assertRefusedWhenEdited(Samples.request(), "\"stepIndex\":0", "\"stepIndex\":\"" + secret + "\"")
                .hasMessageContaining("'stepIndex'").hasMessageNotContaining("jane");
    }

    @Test
    void emptyMessageIsRefused() {
        assertThatThrownBy(() -> Json.decode(new byte[0], TaskSubmitted.class))
                .isInstanceOf(ContractViolation.class)
                .hasMessageContaining("empty message");
    }

    @Test
    void verdictsDecodeToTheirCase() {
        Verdict v = Json.decode("{\"kind\":\"divert\",\"target\":\"human-review\",\"reason\":\"unsure\"}", Verdict.class);
        assertThat(v).isEqualTo(new Verdict.Divert("human-review", "unsure"));
        Action a = Json.decode("{\"type\":\"tool_call\",\"tool\":\"clock\"}", Action.class);
        assertThat(a).isEqualTo(new Action.ToolCall("clock", null));
    }

    /** Encodes {@code sample}, replaces {@code from} by {@code to} in its JSON, and expects reading it back to fail. */
    private static AbstractThrowableAssert<?, ? extends Throwable> assertRefusedWhenEdited(Object sample, String from,
            String to) {
        String json = Json.encodeToString(sample);
        assertThat(json).contains(from);
        return assertThatThrownBy(() -> Json.decode(json.replace(from, to), sample.getClass()))
                .isInstanceOf(ContractViolation.class);
    }
}
