package io.patinox.executor.tools;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** {@code calculator}: evaluates an arithmetic expression ({@link Arithmetic}; no script engine). */
@ApplicationScoped
public class CalculatorTool implements Tool {

    /** Reads only: safe to repeat after a crash. */
    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public String name() {
        return "calculator";
    }

    @Override
    public String description() {
        return "Evaluate arithmetic. Arguments: expression (string, e.g. \"17 * 23\"; + - * / % ^ and parentheses).";
    }

    @Override
    public java.util.List<Parameter> parameters() {
        return java.util.List.of(new Parameter("expression", "string", "the arithmetic expression, e.g. 17 * 23", true));
    }

    @Override
    public String execute(Map<String, Object> arguments) {
        Object expression = arguments.get("expression");
        if (!(expression instanceof String text)) {
            throw new ToolFailure("calculator needs a string argument 'expression', got " + arguments);
        }
        return Arithmetic.format(Arithmetic.evaluate(text));
    }
}
