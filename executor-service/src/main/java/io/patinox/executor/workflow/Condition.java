package io.patinox.executor.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/** What a branch or a loop tests: a value from the run compared with a constant, or the verdict a step got. */
public sealed interface Condition {

    /** Whether it holds in {@code scope}. */
    boolean test(Expressions.Scope scope);

    /** The expressions it reads (for the load-time checks). */
    java.util.List<String> references();

    /**
     * {@code value} (an expression such as {@code ${steps.triage.output.kind}}) compared with {@code operand} by
     * {@code op}: {@code equals}, {@code notEquals}, {@code greaterThan}, {@code lessThan}, {@code contains},
     * {@code exists}.
     */
    record Compare(String value, Op op, JsonNode operand) implements Condition {
        public Compare {
            Objects.requireNonNull(value, "value");
            Objects.requireNonNull(op, "op");
        }

        @Override
        public boolean test(Expressions.Scope scope) {
            JsonNode actual = Expressions.value(value, scope);
            return switch (op) {
                case EQUALS -> Expressions.sameValue(actual, operand);
                case NOT_EQUALS -> !Expressions.sameValue(actual, operand);
                case GREATER_THAN -> Expressions.number(actual).compareTo(Expressions.number(operand)) > 0;
                case LESS_THAN -> Expressions.number(actual).compareTo(Expressions.number(operand)) < 0;
                case CONTAINS -> Expressions.text(actual).contains(Expressions.text(operand));
                case EXISTS -> !actual.isMissingNode() && !actual.isNull();
            };
        }

        @Override
        public java.util.List<String> references() {
            return java.util.List.of(value);
        }
    }

    /** Holds when step {@code step}'s last verdict was of kind {@code kind} ({@code allow}, {@code modify}, ...). */
    record VerdictIs(String step, String kind) implements Condition {
        public VerdictIs {
            Objects.requireNonNull(step, "step");
            Objects.requireNonNull(kind, "kind");
        }

        @Override
        public boolean test(Expressions.Scope scope) {
            return kind.equalsIgnoreCase(scope.verdict(step));
        }

        @Override
        public java.util.List<String> references() {
            return java.util.List.of("${steps." + step + ".verdict}");
        }
    }

    /** The comparisons of {@link Compare}. */
    enum Op {
        EQUALS("equals"),
        NOT_EQUALS("notEquals"),
        GREATER_THAN("greaterThan"),
        LESS_THAN("lessThan"),
        CONTAINS("contains"),
        EXISTS("exists");

        /** The key in a workflow file. */
        public final String key;

        Op(String key) {
            this.key = key;
        }
    }
}
