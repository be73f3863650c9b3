package io.patinox.executor.tools;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ArithmeticTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "17 * 23|391", "1 + 2 * 3|7", "(1 + 2) * 3|9", "-4 + 10|6", "10 / 4|2.5", "2 ^ 10|1024",
            "2 ^ 3 ^ 2|512", "7 % 3|1", "1 / 3|0.3333333333", "17 × 23|391", "--5|5", "0.1 + 0.2|0.3" })
    void evaluates(String expression, String expected) {
        assertThat(Arithmetic.format(Arithmetic.evaluate(expression))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "1 / 0|division by zero", "java.lang.System.exit(0)|unexpected 'j'", "1 +|ends too early",
            "(1 + 2|missing ')'", "2 ^ 0.5|whole numbers", "1 2|unexpected '2'" })
    void refusesAnythingElse(String expression, String message) {
        assertThatThrownBy(() -> Arithmetic.evaluate(expression)).isInstanceOf(ToolFailure.class).hasMessageContaining(message);
    }

    @Test
    void calculatorToolNeedsAnExpression() {
        assertThat(new CalculatorTool().execute(java.util.Map.of("expression", "17 * 23"))).isEqualTo("391");
        assertThatThrownBy(() -> new CalculatorTool().execute(java.util.Map.of())).isInstanceOf(ToolFailure.class);
    }
}
