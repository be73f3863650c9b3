package io.patinox.executor.workflow;

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

/**
 * The JSON Schema every workflow file must match ({@code schemas/workflow.schema.json}, draft 2020-12; editors can
 * use the same file). Its errors name the file, the field and the line where the field is written.
 */
final class WorkflowSchema {

    /** Classpath location of the schema. */
    static final String RESOURCE = "/schemas/workflow.schema.json";

    private static final JsonSchema SCHEMA = load();

    private WorkflowSchema() {
    }

    /**
     * Checks {@code tree}, read from {@code file} whose lines are {@code lines}.
     *
     * @throws InvalidWorkflowConfig listing every violation, first line first
     */
    static void check(Path file, YamlLines lines, JsonNode tree) {
        List<String> problems = SCHEMA.validate(tree).stream()
                .filter(m -> !"oneOf".equals(m.getType()) || m.getInstanceLocation().toString().endsWith("stepDeadline"))
                .map(m -> new Problem(field(m), m))
                .sorted(Comparator.comparingInt((Problem p) -> lines.line(p.field())).thenComparing(Problem::field))
                .map(p -> lines.describe(p.field(), what(p.message())))
                .distinct()
                .toList();
        if (!problems.isEmpty()) {
            throw new InvalidWorkflowConfig(file + ": " + String.join("; ", problems), null);
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

    private static String what(ValidationMessage m) {
        return switch (m.getType()) {
            case "required" -> "is required";
            case "additionalProperties" -> "is not a field here";
            case "oneOf" -> "is not a duration (ms, '2s' or ISO-8601 like 'PT2S')";
            default -> m.getMessage().replaceFirst("^\\$[^:]*:\\s*", "");
        };
    }

    private static JsonSchema load() {
        try (InputStream in = WorkflowSchema.class.getResourceAsStream(RESOURCE)) {
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
