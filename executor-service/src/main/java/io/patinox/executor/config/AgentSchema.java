package io.patinox.executor.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The JSON Schema every agent file must match ({@code schemas/agent.schema.json}). Its errors name the file, the field
 * and the line where the field is written.
 */
final class AgentSchema {

    /** Classpath location of the schema. */
    static final String RESOURCE = "/schemas/agent.schema.json";

    private static final ConfigSchema SCHEMA = new ConfigSchema(RESOURCE);

    private AgentSchema() {
    }

    /**
     * Checks {@code tree}, read from {@code yaml} in {@code file}.
     *
     * @throws InvalidAgentConfig listing every violation, first line first
     */
    static void check(Path file, String yaml, JsonNode tree) {
        List<String> problems = SCHEMA.violations(tree, m -> true, field -> lineOf(yaml, field)).stream()
                .map(v -> describe(yaml, v))
                .distinct()
                .toList();
        if (!problems.isEmpty()) {
            throw new InvalidAgentConfig(file + ": " + String.join("; ", problems), null);
        }
    }

    private static String describe(String yaml, ConfigSchema.Violation v) {
        String what = switch (v.type()) {
            case "required" -> "is required";
            case "additionalProperties" -> "is not a field of an agent (known: "
                    + String.join(", ", SCHEMA.topLevelFields()) + ")";
            case "oneOf" -> "is not a duration (ms, '2s' or ISO-8601 like 'PT2S')";
            default -> v.message();
        };
        int line = lineOf(yaml, v.field());
        return "field '" + v.field() + "' " + what + (line > 0 ? " (line " + line + ")" : "");
    }

    /** The 1-based line where the top-level key of {@code field} is written, or -1 when it is not. */
    static int lineOf(String yaml, String field) {
        String key = field.split("[.\\[]", 2)[0];
        if (key.isEmpty()) {
            return -1;
        }
        String[] lines = yaml.split("\n", -1);
        Pattern at = Pattern.compile("[\"']?" + Pattern.quote(key) + "[\"']?\\s*:.*");
        for (int i = 0; i < lines.length; i++) {
            if (at.matcher(lines[i]).matches()) {
                return i + 1;
            }
        }
        return -1;
    }
}
