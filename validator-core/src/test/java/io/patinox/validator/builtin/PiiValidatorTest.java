package io.patinox.validator.builtin;

import static io.patinox.testkit.ValidationRequests.answer;
import static io.patinox.testkit.ValidationRequests.tool;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.verdict.Verdict;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PiiValidatorTest {

    private final PiiValidator pii = (PiiValidator) new PiiValidator.Factory().create("pii", Map.of());

    @Test
    void redactsAnAnswerAndNamesTheKindsNotTheValues() {
        var j = pii.validate(answer("Contact jane.doe@example.com or +49 30 1234567."));
        var modify = (Verdict.Modify) j.verdict();
        assertThat(modify.action()).isEqualTo(new Action.FinalAnswer("Contact [email] or [phone]."));
        assertThat(j.reason()).isEqualTo("redacted email x1, phone x1").doesNotContain("jane");
        assertThat(j.score()).isEqualTo(1.0);
    }

    @Test
    void redactsNestedStringArgumentsOfToolCalls() {
        var j = pii.validate(tool("send_mail", Map.of("to", "jane.doe@example.com", "amount", 900,
                "lines", List.of("card 4111 1111 1111 1111", "ok"))));
        var call = (Action.ToolCall) ((Verdict.Modify) j.verdict()).action();
        assertThat(call.arguments()).containsEntry("to", "[email]").containsEntry("amount", 900)
                .containsEntry("lines", List.of("card [payment-card]", "ok"));
    }

    @Test
    void allowsTextWithoutPersonalData() {
        var j = pii.validate(answer("17 × 23 = 391."));
        assertThat(j.verdict()).isEqualTo(Verdict.allow());
    }

    @Test
    void blocksInsteadWhenConfiguredAndLooksOnlyForTheListedKinds() {
        var strict = new PiiValidator.Factory().create("pii", Map.of("kinds", List.of("secret"), "action", "block"));
        assertThat(strict.validate(answer("key AKIAIOSFODNN7EXAMPLE")).kind()).isEqualTo(Verdict.Kind.BLOCK);
        assertThat(strict.validate(answer("mail jane.doe@example.com")).kind()).isEqualTo(Verdict.Kind.ALLOW);
    }

    @Test
    void refusesUnknownKinds() {
        assertThatThrownBy(() -> new PiiValidator.Factory().create("pii", Map.of("kinds", List.of("email", "mail"))))
                .hasMessageStartingWith("params.kinds[1]: unknown kind 'mail'");
    }
}
