package io.patinox.executor.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.executor.config.ConfigSchema;
import java.nio.file.Path;
import java.util.List;

/**
 * The JSON Schema every workflow file must match ({@code schemas/workflow.schema.json}). Its errors name the file,
 * the field and the line where the field is written.
 */
final class WorkflowSchema {

    /** Classpath location of the schema. */
    static final String RESOURCE = "/schemas/workflow.schema.json";

    private static final ConfigSchema SCHEMA = new ConfigSchema(RESOURCE);

    private WorkflowSchema() {
    }

    /**
     * Checks {@code tree}, read from {@code file} whose lines are {@code lines}.
     *
     * @throws InvalidWorkflowConfig listing every violation, first line first
     */
    static void check(Path file, YamlLines lines, JsonNode tree) {
        // A oneOf failure is reported only for a step deadline, as a duration that does not parse.
        List<String> problems = SCHEMA
                .violations(tree, m -> !"oneOf".equals(m.getType())
                        || m.getInstanceLocation().toString().endsWith("stepDeadline"), lines::line)
                .stream()
                .map(v -> lines.describe(v.field(), what(v)))
                .distinct()
                .toList();
        if (!problems.isEmpty()) {
            throw new InvalidWorkflowConfig(file + ": " + String.join("; ", problems), null);
        }
    }

    private static String what(ConfigSchema.Violation v) {
        return switch (v.type()) {
            case "required" -> "is required";
            case "additionalProperties" -> "is not a field here";
            case "oneOf" -> "is not a duration (ms, '2s' or ISO-8601 like 'PT2S')";
            default -> v.message();
        };
    }
}
