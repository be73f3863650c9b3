package io.patinox.executor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The JSON Schema every agent file must match ({@code schemas/agent.schema.json}, draft 2020-12; editors
 * can use the same file). Its errors name the file, the field and the line where the field is written.
 */
final class AgentSchema {

    /** Classpath location of the schema. */
    static final String RESOURCE = "/schemas/agent.schema.json";

    private static final JsonSchema SCHEMA = load();

    private AgentSchema() {
    }

    /**
     * Checks {@code tree}, read from {@code yaml} in {@code file}.
     *
     * @throws InvalidAgentConfig listing every violation, first line first
     */
    static void check(Path file, String yaml, JsonNode tree) {
        List<String> problems = SCHEMA.validate(tree).stream()
                .map(m -> new Problem(field(m), m))
                .sorted(Comparator.comparingInt((Problem p) -> lineOf(yaml, p.field())).thenComparing(Problem::field))
                .map(p -> describe(yaml, p))
                .distinct()
                .toList();
        if (!problems.isEmpty()) {
            throw new InvalidAgentConfig(file + ": " + String.join("; ", problems), null);
        }
    }

    private record Problem(String field, ValidationMessage message) {
    }

    /** The dotted path of the field a message is about; for a missing or unknown property, that property. */
    private static String field(ValidationMessage m) {
        String at = m.getInstanceLocation().toString().replaceFirst("^\\$\\.?", "");
        String property = m.getProperty();
        if (property != null && ("required".equals(m.getType()) || "additionalProperties".equals(m.getType()))) {
            return at.isEmpty() ? property : at + "." + property;
        }
        return at;
    }

    private static String describe(String yaml, Problem p) {
        String type = p.message().getType();
        String what = switch (type) {
            case "required" -> "is required";
            case "additionalProperties" -> "is not a field of an agent (known: " + known() + ")";
            case "oneOf" -> "is not a duration (ms, '2s' or ISO-8601 like 'PT2S')";
            default -> p.message().getMessage().replaceFirst("^\\$[^:]*:\\s*", "");
        };
        int line = lineOf(yaml, p.field());
        return "field '" + p.field() + "' " + what + (line > 0 ? " (line " + line + ")" : "");
    }

    private static String known() {
        List<String> names = new java.util.ArrayList<>();
        SCHEMA.getSchemaNode().path("properties").fieldNames().forEachRemaining(names::add);
        return String.join(", ", names);
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

    private static JsonSchema load() {
        try (InputStream in = AgentSchema.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the executor's classpath");
            }
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            schema.initializeValidators();
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
