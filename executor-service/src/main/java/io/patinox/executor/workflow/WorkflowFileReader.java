package io.patinox.executor.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.validation.FailMode;
import io.patinox.executor.config.YamlFile;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads one workflow YAML file: YAML syntax, then {@code schemas/workflow.schema.json}, then what a schema cannot
 * say (one kind per step, one comparison per condition, the file's name). Every problem names the file, the field
 * and its line. The wiring against agents, tools and other workflows is {@link WorkflowChecks}' job.
 */
public final class WorkflowFileReader {

    private static final List<String> KINDS = List.of("agent", "tool", "workflow", "branch", "parallel", "loop", "supervisor");

    private final YamlFile source;
    private final YamlLines lines;

    private WorkflowFileReader(YamlFile source) {
        this.source = source;
        this.lines = YamlLines.of(source.text());
    }

    /** Reads and checks {@code file}. */
    public static WorkflowDefinition read(Path file) {
        WorkflowFileReader reader = new WorkflowFileReader(YamlFile.read(file, InvalidWorkflowConfig::new));
        WorkflowSchema.check(file, reader.lines, reader.source.tree());
        return reader.definition(reader.source.tree());
    }

    private WorkflowDefinition definition(JsonNode tree) {
        String name = tree.path("name").asText();
        String expected = source.baseName();
        if (!name.equals(expected)) {
            throw fail("name", "is '" + name + "' but the file is named for '" + expected + "'");
        }
        FailMode failMode = tree.has("failMode") ? FailMode.valueOf(tree.get("failMode").asText().toUpperCase(Locale.ROOT))
                : null;
        Duration deadline = tree.has("stepDeadline") ? duration("stepDeadline", tree.get("stepDeadline").asText()) : null;
        return new WorkflowDefinition(name, tree.path("description").asText(null), tree.path("policy").asText(null), failMode,
                deadline, tree.path("maxSteps").asInt(WorkflowDefinition.DEFAULT_MAX_STEPS), schema(tree.get("input")),
                schema(tree.get("outputSchema")), tree.path("output").asText(null), steps("steps", tree.get("steps")),
                source.file().toString());
    }

    private List<WorkflowStep> steps(String field, JsonNode array) {
        List<WorkflowStep> steps = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
            steps.add(step(field + "[" + i + "]", array.get(i)));
        }
        return steps;
    }

    private WorkflowStep step(String field, JsonNode node) {
        List<String> kinds = KINDS.stream().filter(node::has).toList();
        if (kinds.size() != 1) {
            throw fail(field, kinds.isEmpty() ? "names no kind of step (one of " + KINDS + ")"
                    : "names more than one kind of step " + kinds + " (exactly one of " + KINDS + ")");
        }
        String id = node.get("id").asText();
        String kind = kinds.get(0);
        String input = node.path("input").asText(null);
        JsonNode outputSchema = schema(node.get("outputSchema"));
        for (String extra : List.of("input", "arguments", "outputSchema")) {
            boolean allowed = switch (extra) {
                case "input" -> kind.equals("agent") || kind.equals("workflow");
                case "arguments" -> kind.equals("tool");
                default -> kind.equals("agent") || kind.equals("tool");
            };
            if (node.has(extra) && !allowed) {
                throw fail(field + "." + extra, "does not apply to a " + kind + " step");
            }
        }
        return switch (kind) {
            case "agent" -> new WorkflowStep.Agent(id, node.get("agent").asText(), input, outputSchema);
            case "tool" -> new WorkflowStep.Tool(id, node.get("tool").asText(), arguments(node.get("arguments")), outputSchema);
            case "workflow" -> new WorkflowStep.Nested(id, node.get("workflow").asText(), input);
            case "branch" -> {
                JsonNode b = node.get("branch");
                yield new WorkflowStep.Branch(id, condition(field + ".branch.when", b.get("when")),
                        steps(field + ".branch.then", b.get("then")),
                        b.has("else") ? steps(field + ".branch.else", b.get("else")) : List.of());
            }
            case "parallel" -> {
                Map<String, List<WorkflowStep>> branches = new LinkedHashMap<>();
                node.get("parallel").fields().forEachRemaining(
                        e -> branches.put(e.getKey(), steps(field + ".parallel." + e.getKey(), e.getValue())));
                yield new WorkflowStep.Parallel(id, branches);
            }
            case "loop" -> {
                JsonNode l = node.get("loop");
                yield new WorkflowStep.Loop(id, l.get("max").asInt(), condition(field + ".loop.until", l.get("until")),
                        steps(field + ".loop.steps", l.get("steps")));
            }
            default -> {
                JsonNode s = node.get("supervisor");
                List<String> delegates = new ArrayList<>();
                s.get("delegates").forEach(d -> delegates.add(d.asText()));
                yield new WorkflowStep.Supervisor(id, s.get("agent").asText(), delegates,
                        s.path("maxDelegations").asInt(3), s.path("input").asText(null));
            }
        };
    }

    private Condition condition(String field, JsonNode node) {
        if (node.has("verdict")) {
            if (node.size() != 1) {
                throw fail(field, "is either {verdict: ...} or {value: ..., <comparison>: ...}, not both");
            }
            JsonNode v = node.get("verdict");
            return new Condition.VerdictIs(v.get("step").asText(), v.get("is").asText());
        }
        if (!node.has("value")) {
            throw fail(field + ".value", "is required (the expression to compare, e.g. ${steps.triage.output})");
        }
        List<Condition.Op> ops = java.util.Arrays.stream(Condition.Op.values()).filter(o -> node.has(o.key)).toList();
        if (ops.size() != 1) {
            throw fail(field, "needs exactly one comparison (equals, notEquals, greaterThan, lessThan, contains, exists)");
        }
        return new Condition.Compare(node.get("value").asText(), ops.get(0), node.get(ops.get(0).key));
    }

    private static Map<String, Object> arguments(JsonNode node) {
        if (node == null) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> args = Json.mapper().convertValue(node, Map.class);
        return args;
    }

    private static JsonNode schema(JsonNode node) {
        return node == null || node.isNull() ? null : node;
    }

    private Duration duration(String field, String value) {
        String v = value.trim();
        try {
            if (v.matches("\\d+")) {
                return Duration.ofMillis(Long.parseLong(v));
            }
            var m = java.util.regex.Pattern.compile("(\\d+)\\s*(ms|s|m)").matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    default -> Duration.ofMinutes(n);
                };
            }
            return Duration.parse(v);
        } catch (RuntimeException e) {
            throw fail(field, "is not a duration (ms, '2s' or ISO-8601 like 'PT2S'): '" + value + "'");
        }
    }

    private InvalidWorkflowConfig fail(String field, String what) {
        return new InvalidWorkflowConfig(source.file() + ": " + lines.describe(field, what), null);
    }
}
