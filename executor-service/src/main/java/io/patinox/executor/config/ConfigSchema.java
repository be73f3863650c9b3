package io.patinox.executor.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * A JSON Schema (draft 2020-12) that config files of one kind must match, read from the executor's classpath (editors
 * can use the same file). Agents and workflows each have one; their errors name the field and the line.
 */
public final class ConfigSchema {

    /** One violation: the dotted path of the field it is about, the validator's type and message. */
    public record Violation(String field, String type, String message) {
    }

    private final String resource;
    private final JsonSchema schema;

    /** Loads the schema at {@code resource} (a classpath location such as {@code /schemas/agent.schema.json}). */
    public ConfigSchema(String resource) {
        this.resource = resource;
        this.schema = load(resource);
    }

    /**
     * Every violation of {@code tree} that {@code keep} accepts, ordered by the line {@code lineOf} gives its field
     * (then by field), one per field and type.
     */
    public List<Violation> violations(JsonNode tree, Predicate<ValidationMessage> keep, ToIntFunction<String> lineOf) {
        return schema.validate(tree).stream()
                .filter(keep)
                .map(m -> new Violation(field(m), m.getType(), m.getMessage().replaceFirst("^\\$[^:]*:\\s*", "")))
                .distinct()
                .sorted(Comparator.comparingInt((Violation v) -> lineOf.applyAsInt(v.field())).thenComparing(Violation::field))
                .toList();
    }

    /** The names of the schema's top-level properties. */
    public List<String> topLevelFields() {
        List<String> names = new java.util.ArrayList<>();
        schema.getSchemaNode().path("properties").fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** The classpath location this schema was read from. */
    public String resource() {
        return resource;
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

    private static JsonSchema load(String resource) {
        try (InputStream in = ConfigSchema.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the executor's classpath");
            }
            JsonSchema schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(in);
            schema.initializeValidators();
            return schema;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
