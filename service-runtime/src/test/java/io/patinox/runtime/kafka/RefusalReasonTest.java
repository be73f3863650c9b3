package io.patinox.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.json.Json;
import org.junit.jupiter.api.Test;

/** Refusal reasons name the fault and the field, never the record's content. */
class RefusalReasonTest {

    static final String EMAIL = "zoe.quint@pii-example.org";
    static final String CARD = "4111 1111 1111 1111";

    /** A valid step as JSON, with one field's value replaced. */
    static String step(String field, String json) {
        return MalformedRecords.validStep().replaceFirst("\"" + field + "\":(\"[^\"]*\"|-?[0-9.]+)",
                "\"" + field + "\":" + json);
    }

    private static String reason(String json, Class<?> type) {
        try {
            Json.decode(json, type);
        } catch (RuntimeException e) {
            String reason = RefusalReason.of(e, type);
            assertThat(reason).doesNotContain(EMAIL).doesNotContain("zoe").doesNotContain(CARD)
                    .doesNotContain("4111");
            return reason;
        }
        throw new AssertionError("decoded: " + json);
    }

    @Test
    void notJsonIsNamedWithoutItsTokens() {
        assertThat(reason(EMAIL + " paid with " + CARD, StepEvent.class)).isEqualTo("not valid JSON in StepEvent");
    }

    @Test
    void aWrongTypeNamesTheFieldNotTheValue() {
        String json = step("inputTokens", "\"mail " + EMAIL + " card " + CARD + "\"");
        assertThat(reason(json, StepEvent.class))
                .isEqualTo("wrong type or missing value at 'usage.inputTokens' in StepEvent");
    }

    @Test
    void anUnknownActionKindIsNotQuoted() {
        String json = MalformedRecords.validStep().replace("\"tool_call\"", "\"" + EMAIL + "\"");
        assertThat(reason(json, StepEvent.class)).startsWith("unknown type id at 'action'").endsWith("in StepEvent");
    }

    @Test
    void aMissingFieldKeepsTheContractsOwnMessage() {
        String json = MalformedRecords.validStep().replaceFirst("\"agent\":\"[^\"]*\",", "");
        assertThat(reason(json, StepEvent.class)).contains("missing required field 'agent'");
    }

    @Test
    void aNegativeLatencyIsNamed() {
        assertThat(reason(step("modelLatencyMicros", "-5"), StepEvent.class))
                .contains("field 'modelLatencyMicros' must be >= 0, was -5");
    }

    @Test
    void anUnknownFieldNamesItsPathOnly() {
        String json = MalformedRecords.validStep().replaceFirst("\\{", "{\"note\":\"" + EMAIL + "\",");
        assertThat(reason(json, StepEvent.class)).isEqualTo("unknown field at 'note' in StepEvent");
        assertThat(reason("{\"schemaVersion\":1}", RunResult.class)).contains("RunResult");
    }
}
