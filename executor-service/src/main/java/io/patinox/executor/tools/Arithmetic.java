package io.patinox.executor.tools;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.function.Supplier;

/**
 * A safe arithmetic evaluator: numbers, {@code + - * / % ^}, parentheses, unary minus; nothing else,
 * so no expression can reach code. Recursive descent over the grammar
 * {@code expr = term (('+'|'-') term)*; term = factor (('*'|'/'|'%') factor)*;
 * factor = unary ('^' factor)?; unary = '-' unary | '+' unary | primary; primary = number | '(' expr ')'}.
 */
public final class Arithmetic {

    private static final int MAX_LENGTH = 500;
    private static final MathContext MC = MathContext.DECIMAL64;

    private final String text;
    private int pos;
    private int depth;

    private Arithmetic(String text) {
        this.text = text;
    }

    /**
     * The value of {@code expression}.
     *
     * @throws ToolFailure on anything that is not plain arithmetic, or on division by zero
     */
    public static BigDecimal evaluate(String expression) {
        if (expression == null || expression.isBlank()) {
            throw new ToolFailure("empty expression");
        }
        if (expression.length() > MAX_LENGTH) {
            throw new ToolFailure("expression longer than " + MAX_LENGTH + " characters");
        }
        // Accept the multiplication and division signs people type.
        Arithmetic a = new Arithmetic(expression.replace('×', '*').replace('÷', '/'));
        BigDecimal value = a.expr();
        a.skipSpaces();
        if (a.pos < a.text.length()) {
            throw new ToolFailure("unexpected '" + a.text.charAt(a.pos) + "' at position " + (a.pos + 1));
        }
        return value;
    }

    /** The value formatted for people: integers without a decimal point, others to 10 significant digits. */
    public static String format(BigDecimal value) {
        BigDecimal v = value.round(new MathContext(10, RoundingMode.HALF_EVEN)).stripTrailingZeros();
        return v.scale() <= 0 ? v.toBigInteger().toString() : v.toPlainString();
    }

    private BigDecimal expr() {
        return operations(this::term, "+-");
    }

    private BigDecimal term() {
        return operations(this::factor, "*/%");
    }

    /** One left-associative level of the grammar: operands joined by any of {@code operators}. */
    private BigDecimal operations(Supplier<BigDecimal> operand, String operators) {
        BigDecimal value = operand.get();
        while (true) {
            skipSpaces();
            if (pos >= text.length() || operators.indexOf(text.charAt(pos)) < 0) {
                return value;
            }
            char operator = text.charAt(pos++);
            value = apply(operator, value, operand.get());
        }
    }

    private static BigDecimal apply(char operator, BigDecimal left, BigDecimal right) {
        return switch (operator) {
            case '+' -> left.add(right, MC);
            case '-' -> left.subtract(right, MC);
            case '*' -> left.multiply(right, MC);
            case '/' -> left.divide(nonZero(right), MC);
            default -> left.remainder(nonZero(right), MC);
        };
    }

    private BigDecimal factor() {
        BigDecimal base = unary();
        if (eat('^')) {
            BigDecimal exponent = factor();
            if (exponent.stripTrailingZeros().scale() > 0 || exponent.abs().compareTo(BigDecimal.valueOf(999)) > 0) {
                throw new ToolFailure("exponents must be whole numbers between -999 and 999");
            }
            return base.pow(exponent.intValue(), MC);
        }
        return base;
    }

    private BigDecimal unary() {
        if (eat('-')) {
            return unary().negate();
        }
        if (eat('+')) {
            return unary();
        }
        return primary();
    }

    private BigDecimal primary() {
        if (eat('(')) {
            if (++depth > 100) {
                throw new ToolFailure("too deeply nested");
            }
            BigDecimal value = expr();
            depth--;
            if (!eat(')')) {
                throw new ToolFailure("missing ')' at position " + (pos + 1));
            }
            return value;
        }
        skipSpaces();
        int start = pos;
        while (pos < text.length() && (Character.isDigit(text.charAt(pos)) || text.charAt(pos) == '.')) {
            pos++;
        }
        if (start == pos) {
            throw new ToolFailure(pos < text.length()
                    ? "unexpected '" + text.charAt(pos) + "' at position " + (pos + 1)
                    : "expression ends too early");
        }
        try {
            return new BigDecimal(text.substring(start, pos));
        } catch (NumberFormatException e) {
            throw new ToolFailure("bad number '" + text.substring(start, pos) + "'");
        }
    }

    private static BigDecimal nonZero(BigDecimal value) {
        if (value.signum() == 0) {
            throw new ToolFailure("division by zero");
        }
        return value;
    }

    private boolean eat(char c) {
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == c) {
            pos++;
            return true;
        }
        return false;
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
            pos++;
        }
    }
}
