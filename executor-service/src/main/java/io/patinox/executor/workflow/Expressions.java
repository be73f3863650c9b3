package io.patinox.executor.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.patinox.contracts.json.Json;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The expressions of workflow files: {@code ${input}}, {@code ${input.order.id}}, {@code ${steps.triage.output}},
 * {@code ${steps.lookup.output.items[0].price}}, {@code ${steps.triage.verdict}}. A text that is exactly one
 * expression stands for its JSON value (so an argument keeps its number); in a longer text each expression is
 * written out (strings as they are, other values as JSON). Nothing else is evaluated: no code, no functions.
 */
public final class Expressions {

    /** One {@code ${...}} in a text. */
    static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
    /** What a reference may say: a root, then fields and indexes. */
    static final Pattern PATH = Pattern
            .compile("(input|steps\\.[A-Za-z0-9_-]+\\.(output|verdict))((\\.[A-Za-z0-9_-]+|\\[\\d+])*)");

    /** What expressions read: the input and, by step id, the latest output and verdict of each step run so far. */
    public record Scope(JsonNode input, Map<String, JsonNode> outputs, Map<String, String> verdicts) {

        /** The verdict kind step {@code id} got last, or "" when it has none. */
        public String verdict(String id) {
            return verdicts.getOrDefault(id, "");
        }
    }

    private Expressions() {
    }

    /** The references in {@code text}, e.g. {@code steps.triage.output.kind}; empty for a plain text. */
    public static List<String> references(String text) {
        List<String> refs = new ArrayList<>();
        if (text == null) {
            return refs;
        }
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
            refs.add(m.group(1).trim());
        }
        return refs;
    }

    /** Why {@code reference} is not well formed, or null when it is. */
    public static String malformed(String reference) {
        return PATH.matcher(reference).matches() ? null
                : "'${" + reference
                        + "}' is not an expression (use ${input...}, ${steps.<id>.output...} or ${steps.<id>.verdict})";
    }

    /** The value of {@code text} in {@code scope}: the JSON value of a lone expression, else the written-out text. */
    public static JsonNode value(String text, Scope scope) {
        if (text == null) {
            return MissingNode.getInstance();
        }
        Matcher whole = REFERENCE.matcher(text.trim());
        if (whole.matches()) {
            return resolve(whole.group(1).trim(), scope);
        }
        return TextNode.valueOf(render(text, scope));
    }

    /** {@code text} with every expression written out. */
    public static String render(String text, Scope scope) {
        Matcher m = REFERENCE.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(text(resolve(m.group(1).trim(), scope))));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** Tool arguments with their expressions evaluated, as plain Java values (maps, lists, numbers, strings). */
    public static Map<String, Object> arguments(Map<String, Object> arguments, Scope scope) {
        Map<String, Object> out = new LinkedHashMap<>();
        arguments.forEach((k, v) -> out.put(k, evaluate(v, scope)));
        return out;
    }

    private static Object evaluate(Object v, Scope scope) {
        if (v instanceof String s) {
            JsonNode node = value(s, scope);
            return node.isMissingNode() ? null : Json.mapper().convertValue(node, Object.class);
        }
        if (v instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, x) -> out.put(String.valueOf(k), evaluate(x, scope)));
            return out;
        }
        if (v instanceof List<?> list) {
            return list.stream().map(x -> evaluate(x, scope)).toList();
        }
        return v;
    }

    /** The value a reference points to; missing when a step has not run or a field is absent. */
    static JsonNode resolve(String reference, Scope scope) {
        if (malformed(reference) != null) {
            throw new IllegalArgumentException(malformed(reference));
        }
        List<String> parts = split(reference);
        JsonNode node;
        int next;
        if (parts.get(0).equals("input")) {
            node = scope.input();
            next = 1;
        } else {
            String id = parts.get(1);
            if (parts.get(2).equals("verdict")) {
                return TextNode.valueOf(scope.verdict(id));
            }
            node = scope.outputs().getOrDefault(id, MissingNode.getInstance());
            next = 3;
        }
        for (int i = next; i < parts.size() && node != null; i++) {
            String p = parts.get(i);
            node = p.startsWith("[") ? node.path(Integer.parseInt(p.substring(1, p.length() - 1))) : node.path(p);
        }
        return node == null ? MissingNode.getInstance() : node;
    }

    /** {@code steps.a.output.items[0].x} → {@code steps, a, output, items, [0], x}. */
    static List<String> split(String reference) {
        List<String> parts = new ArrayList<>();
        for (String dotted : reference.split("\\.")) {
            int b = dotted.indexOf('[');
            if (b < 0) {
                parts.add(dotted);
                continue;
            }
            if (b > 0) {
                parts.add(dotted.substring(0, b));
            }
            Matcher idx = Pattern.compile("\\[\\d+]").matcher(dotted.substring(b));
            while (idx.find()) {
                parts.add(idx.group());
            }
        }
        return parts;
    }

    /** A value written into a text: a string as it is, anything else as JSON; a missing value as "". */
    public static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return "";
        }
        return node.isTextual() ? node.textValue() : node.toString();
    }

    /** A value as a number for comparisons; a text that is not a number counts as zero. */
    static BigDecimal number(JsonNode node) {
        if (node != null && node.isNumber()) {
            return node.decimalValue();
        }
        try {
            return new BigDecimal(text(node).trim());
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }

    /** Equality that reads 5 and 5.0, and "5" and 5, as the same value. */
    static boolean sameValue(JsonNode a, JsonNode b) {
        if (a == null || b == null) {
            return a == b;
        }
        if ((a.isNumber() || b.isNumber()) && isNumeric(a) && isNumeric(b)) {
            return number(a).compareTo(number(b)) == 0;
        }
        return text(a).equals(text(b));
    }

    private static boolean isNumeric(JsonNode n) {
        if (n.isNumber()) {
            return true;
        }
        try {
            new BigDecimal(text(n).trim());
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** A step's output as a JSON value: JSON when the text is a JSON object, array or number, else the text. */
    public static JsonNode output(String text) {
        if (text == null) {
            return MissingNode.getInstance();
        }
        String t = text.trim();
        if (t.startsWith("{") || t.startsWith("[")
                || (!t.isEmpty() && (Character.isDigit(t.charAt(0)) || t.charAt(0) == '-'))) {
            try {
                JsonNode parsed = Json.mapper().readTree(t);
                if (parsed != null && (parsed.isContainerNode() || parsed.isNumber())) {
                    return parsed;
                }
            } catch (java.io.IOException | RuntimeException e) {
                // not JSON: the text it is
            }
        }
        return TextNode.valueOf(text);
    }
}
