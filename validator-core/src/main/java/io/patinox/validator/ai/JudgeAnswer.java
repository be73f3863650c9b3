package io.patinox.validator.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * The structured verdict a judge model is asked for: one JSON object, possibly inside a Markdown code fence
 * (many models add one). Anything else is refused with a {@link JudgeFailure} that says what was wrong, never
 * quoting the answer (it may repeat the user's data).
 */
public final class JudgeAnswer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode node;

    private JudgeAnswer(JsonNode node) {
        this.node = node;
    }

    /** Parses {@code text}; throws when it is not one JSON object. */
    public static JudgeAnswer parse(String text) {
        if (text == null || text.isBlank()) {
            throw new JudgeFailure("the judge model gave an empty answer");
        }
        String body = text.strip();
        if (body.startsWith("```")) {
            int firstLine = body.indexOf('\n');
            int fence = body.lastIndexOf("```");
            if (firstLine > 0 && fence > firstLine) {
                body = body.substring(firstLine + 1, fence).strip();
            }
        }
        JsonNode node;
        try {
            node = JSON.readTree(body);
        } catch (Exception e) {
            throw new JudgeFailure("the judge model's answer (" + text.length() + " characters) is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new JudgeFailure("the judge model's answer is not a JSON object");
        }
        return new JudgeAnswer(node);
    }

    /** A required boolean field. */
    public boolean bool(String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isBoolean()) {
            throw new JudgeFailure("the judge model's answer has no boolean field '" + field + "'");
        }
        return v.booleanValue();
    }

    /** A required number in [0, 1]. */
    public double score(String field) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new JudgeFailure("the judge model's answer has no number field '" + field + "'");
        }
        double d = v.doubleValue();
        if (Double.isNaN(d) || d < 0 || d > 1) {
            throw new JudgeFailure("the judge model's field '" + field + "' is not in [0, 1]: " + d);
        }
        return d;
    }

    /** An optional text field, at most {@code max} characters; empty when absent. */
    public String text(String field, int max) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new JudgeFailure("the judge model's field '" + field + "' is not a string");
        }
        String s = v.textValue().strip();
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }

    /** An optional list of strings, at most {@code maxItems} of at most {@code maxChars} each. */
    public List<String> texts(String field, int maxItems, int maxChars) {
        JsonNode v = node.get(field);
        List<String> out = new ArrayList<>();
        if (v == null || v.isNull()) {
            return out;
        }
        if (!v.isArray()) {
            throw new JudgeFailure("the judge model's field '" + field + "' is not a list");
        }
        for (JsonNode item : v) {
            if (out.size() == maxItems) {
                break;
            }
            if (!item.isTextual()) {
                throw new JudgeFailure("the judge model's field '" + field + "' holds a non-string");
            }
            String s = item.textValue().strip();
            out.add(s.length() <= maxChars ? s : s.substring(0, maxChars) + "…");
        }
        return out;
    }
}
