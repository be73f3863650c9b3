package io.patinox.executor.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.patinox.contracts.validation.FailMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Reads one agent YAML file strictly: it must match {@code schemas/agent.schema.json} (unknown fields,
 * missing required fields, wrong types and out-of-range values are refused with an {@link InvalidAgentConfig}
 * naming the file, the field and the line), then its values are turned into an {@link AgentDefinition}.
 */
public final class AgentFileReader {

    private static final YAMLMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m)");

    /** The raw shape of the file; every field nullable so that missing ones get a clear message. */
    record AgentFile(@JsonProperty("name") String name, @JsonProperty("model") String model,
            @JsonProperty("instructions") String instructions, @JsonProperty("tools") List<String> tools,
            @JsonProperty("maxSteps") Integer maxSteps, @JsonProperty("stepDeadline") String stepDeadline,
            @JsonProperty("policy") String policy, @JsonProperty("failMode") String failMode,
            @JsonProperty("maxRetries") Integer maxRetries, @JsonProperty("maxTokens") Long maxTokens,
            @JsonProperty("maxCostUsd") Double maxCostUsd, @JsonProperty("maxWallTime") String maxWallTime,
            @JsonProperty("knowledge") List<String> knowledge) {
    }

    private AgentFileReader() {
    }

    /** Reads and checks {@code file}: YAML syntax, then the agent JSON Schema, then the values' meaning. */
    public static AgentDefinition read(Path file) {
        YamlFile source = YamlFile.read(file, InvalidAgentConfig::new);
        String yaml = source.text();
        JsonNode tree = source.tree();
        AgentSchema.check(file, yaml, tree);
        AgentFile raw;
        try {
            raw = YAML.treeToValue(tree, AgentFile.class);
        } catch (JsonProcessingException e) {
            // The schema admits only what this record reads; reaching here means the two disagree.
            String field = e instanceof JsonMappingException m ? m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining(".")) : "";
            int lineNr = AgentSchema.lineOf(yaml, field);
            String line = lineNr < 0 ? "" : " (line " + lineNr + ")";
            throw new InvalidAgentConfig(
                    file + ": field '" + field + "'" + line + ": " + e.getOriginalMessage().lines().findFirst().orElse(""), e);
        }
        String name = text(file, "name", raw.name());
        String expected = source.baseName();
        if (!name.equals(expected)) {
            throw new InvalidAgentConfig(file + ": field 'name' is '" + name + "' but the file is named for '" + expected + "'",
                    null);
        }
        String model = text(file, "model", raw.model());
        int maxSteps = positive(file, "maxSteps", raw.maxSteps(), 8);
        int maxRetries = raw.maxRetries() == null ? 2 : raw.maxRetries();
        if (maxRetries < 0) {
            throw new InvalidAgentConfig(file + ": field 'maxRetries' must be >= 0, was " + maxRetries, null);
        }
        Duration deadline = raw.stepDeadline() == null ? Duration.ofSeconds(2)
                : duration(file, "stepDeadline", raw.stepDeadline());
        return new AgentDefinition(name, model, raw.instructions() == null ? "" : raw.instructions(),
                raw.tools() == null ? List.of() : raw.tools(), maxSteps, deadline,
                raw.policy() == null ? "default" : raw.policy(), failMode(file, raw.failMode()), maxRetries,
                budget(file, raw), raw.knowledge(), file.toString());
    }

    /** The 1-based line of {@code file} where the top-level key of {@code field} is written, or -1. */
    public static int lineOf(Path file, String field) {
        try {
            return AgentSchema.lineOf(Files.readString(file, java.nio.charset.StandardCharsets.UTF_8), field);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static AgentDefinition.Budget budget(Path file, AgentFile raw) {
        long tokens = raw.maxTokens() == null ? 0 : raw.maxTokens();
        double cost = raw.maxCostUsd() == null ? 0 : raw.maxCostUsd();
        if (tokens < 0) {
            throw new InvalidAgentConfig(file + ": field 'maxTokens' must be >= 0, was " + tokens, null);
        }
        if (cost < 0) {
            throw new InvalidAgentConfig(file + ": field 'maxCostUsd' must be >= 0, was " + cost, null);
        }
        Duration wall = raw.maxWallTime() == null ? null : duration(file, "maxWallTime", raw.maxWallTime());
        return new AgentDefinition.Budget(tokens, cost, wall);
    }

    private static String text(Path file, String field, String value) {
        if (value == null || value.isBlank()) {
            throw new InvalidAgentConfig(file + ": field '" + field + "' is required", null);
        }
        return value.trim();
    }

    private static int positive(Path file, String field, Integer value, int fallback) {
        if (value == null) {
            return fallback;
        }
        if (value < 1) {
            throw new InvalidAgentConfig(file + ": field '" + field + "' must be >= 1, was " + value, null);
        }
        return value;
    }

    private static FailMode failMode(Path file, String value) {
        if (value == null) {
            return FailMode.CLOSED;
        }
        try {
            return FailMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidAgentConfig(file + ": field 'failMode' must be 'closed' or 'open', was '" + value + "'", e);
        }
    }

    /** Parses {@code 300} (ms), {@code 300ms}, {@code 2s}, {@code 1m} or an ISO-8601 duration such as {@code PT2S}. */
    static Duration duration(Path file, String field, String value) {
        String v = value.trim();
        try {
            if (v.chars().allMatch(Character::isDigit) && !v.isEmpty()) {
                return positive(file, field, Duration.ofMillis(Long.parseLong(v)));
            }
            Matcher m = SHORT_DURATION.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return positive(file, field, switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMinutes(n);
                });
            }
            return positive(file, field, Duration.parse(v));
        } catch (RuntimeException e) {
            if (e instanceof InvalidAgentConfig i) {
                throw i;
            }
            throw new InvalidAgentConfig(
                    file + ": field '" + field + "' is not a duration (ms, '2s' or ISO-8601 like 'PT2S'): '" + value + "'", e);
        }
    }

    private static Duration positive(Path file, String field, Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new InvalidAgentConfig(file + ": field '" + field + "' must be > 0, was " + d, null);
        }
        return d;
    }
}
