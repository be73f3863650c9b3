package io.patinox.validator.builtin;

import static io.patinox.testkit.ValidationRequests.answer;
import static io.patinox.testkit.ValidationRequests.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.validation.Validator;
import io.patinox.contracts.verdict.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolArgumentSchemaCheckTest {

    private static final Map<String, Object> REFUND = Map.of(
            "type", "object",
            "required", List.of("orderId", "amount"),
            "properties", Map.of(
                    "orderId", Map.of("type", "string"),
                    "amount", Map.of("type", "number", "exclusiveMinimum", 0),
                    "currency", Map.of("type", "string", "enum", List.of("EUR", "USD"))),
            "additionalProperties", false);

    private final Validator check = new ToolArgumentSchemaCheck.Factory().create("tool-schema",
            Map.of("schemas", Map.of("refund", REFUND)));

    @Test
    void allowsArgumentsThatMatch() {
        var j = check.validate(tool("refund", Map.of("orderId", "1234", "amount", 900, "currency", "EUR")));
        assertThat(j.verdict()).isEqualTo(Verdict.allow());
    }

    @Test
    void blocksWrongTypesNamingTheField() {
        var j = check.validate(tool("refund", Map.of("orderId", "1234", "amount", "lots")));
        assertThat(j.kind()).isEqualTo(Verdict.Kind.BLOCK);
        assertThat(j.reason()).startsWith("arguments of tool 'refund' break its schema: ").contains("$.amount")
                .contains("number");
    }

    @Test
    void blocksMissingAndUnexpectedFieldsAndBadValues() {
        assertThat(check.validate(tool("refund", Map.of("orderId", "1234"))).reason()).contains("amount");
        assertThat(check.validate(tool("refund", Map.of("orderId", "1", "amount", 5, "note", "x"))).reason())
                .contains("note");
        assertThat(check.validate(tool("refund", Map.of("orderId", "1", "amount", -5))).reason()).contains("$.amount");
        assertThat(check.validate(tool("refund", Map.of("orderId", "1", "amount", 5, "currency", "BTC"))).reason())
                .contains("$.currency");
    }

    @Test
    void toolsWithoutSchemaFollowThePolicyAndAnswersPass() {
        assertThat(check.validate(tool("clock", Map.of())).kind()).isEqualTo(Verdict.Kind.ALLOW);
        var strict = new ToolArgumentSchemaCheck.Factory().create("s", Map.of("unknownTools", "block"));
        assertThat(strict.validate(tool("clock", Map.of())).kind()).isEqualTo(Verdict.Kind.BLOCK);
        assertThat(strict.validate(answer("hi")).kind()).isEqualTo(Verdict.Kind.ALLOW);
    }

    @Test
    void refusesInvalidSchemasAndParameters() {
        var factory = new ToolArgumentSchemaCheck.Factory();
        assertThatThrownBy(() -> factory.create("s", Map.of("schemas", Map.of("refund", "object"))))
                .hasMessageStartingWith("params.schemas.refund: expected a mapping");
        assertThatThrownBy(() -> factory.create("s", Map.of("unknownTools", "maybe")))
                .hasMessageStartingWith("params.unknownTools: expected allow or block");
    }
}
