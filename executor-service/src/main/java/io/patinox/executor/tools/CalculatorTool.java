package io.patinox.executor.tools;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/** {@code calculator}: evaluates an arithmetic expression ({@link Arithmetic}; no script engine). */
@ApplicationScoped
public class CalculatorTool extends DeclaredTool {

    public CalculatorTool() {
        super("calculator",
                "Evaluate arithmetic. Arguments: expression (string, e.g. \"17 * 23\"; + - * / % ^ and parentheses).",
                new Parameter("expression", "string", "the arithmetic expression, e.g. 17 * 23", true));
    }

    /** Reads only: safe to repeat after a crash. */
    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public String execute(Map<String, Object> arguments) {
        return Arithmetic.format(Arithmetic.evaluate(text(arguments, "expression")));
    }
}
