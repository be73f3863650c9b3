package io.patinox.executor.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The wiring checks of a set of workflows, the configuration's counterpart of the Java API's compile-time checks:
 * agents, tools and nested workflows must exist; step ids are unique; an expression reads only the input and steps
 * that ran before it; a field read from an input or output with a declared schema must be in that schema; a nested
 * workflow whose input is an object gets an object; no workflow calls itself, directly or not; a supervisor's
 * delegates use only idempotent tools (a delegation cut short by a crash is run again). Problems name the file,
 * the field and its line.
 */
public final class WorkflowChecks {

    /** What the rest of the configuration offers the workflows. */
    public record Known(Set<String> agents, Set<String> tools, Predicate<String> idempotentTool,
            Map<String, List<String>> agentTools) {
    }

    private final Map<String, WorkflowDefinition> workflows;
    private final Known known;

    private WorkflowChecks(Map<String, WorkflowDefinition> workflows, Known known) {
        this.workflows = workflows;
        this.known = known;
    }

    /**
     * Checks every workflow.
     *
     * @throws InvalidWorkflowConfig naming the first file with problems and each of its problems
     */
    public static void check(Map<String, WorkflowDefinition> workflows, Known known) {
        problems(workflows, known).entrySet().stream().findFirst().ifPresent(first -> {
            throw new InvalidWorkflowConfig(first.getKey() + ": " + String.join("; ", first.getValue()), null);
        });
    }

    /**
     * The problems of every workflow, by its source file; a workflow without problems is not listed. What
     * {@code ./patinox check-config} prints, and what {@link #check} refuses.
     */
    public static Map<String, List<String>> problems(Map<String, WorkflowDefinition> workflows, Known known) {
        WorkflowChecks checks = new WorkflowChecks(workflows, known);
        Map<String, List<String>> all = new LinkedHashMap<>();
        for (WorkflowDefinition wf : workflows.values()) {
            List<String> problems = checks.problems(wf);
            if (!problems.isEmpty()) {
                all.put(wf.source(), problems);
            }
        }
        return all;
    }

    private List<String> problems(WorkflowDefinition wf) {
        Walk p = new Walk(wf, lines(wf));
        p.sequence("steps", wf.steps(), new HashSet<>(), new HashSet<>());
        if (wf.output() != null) {
            p.expressions("output", wf.output(), p.allIds);
        }
        String cycle = cycle(wf.name(), new ArrayList<>());
        if (cycle != null) {
            p.problem("steps", "makes a cycle of workflows: " + cycle);
        }
        return List.copyOf(p.problems);
    }

    private static YamlLines lines(WorkflowDefinition wf) {
        try {
            return YamlLines.of(java.nio.file.Files.readString(java.nio.file.Path.of(wf.source())));
        } catch (java.io.IOException | RuntimeException e) {
            // A workflow built in Java has no file: its problems have no line.
            return YamlLines.of("");
        }
    }

    /** The walk of one workflow's steps, collecting problems. */
    private final class Walk {
        final WorkflowDefinition wf;
        final YamlLines lines;
        final Set<String> problems = new LinkedHashSet<>();
        final Set<String> allIds = new HashSet<>();
        final Map<String, JsonNode> outputSchemas = new java.util.HashMap<>();

        Walk(WorkflowDefinition wf, YamlLines lines) {
            this.wf = wf;
            this.lines = lines;
        }

        void problem(String field, String what) {
            problems.add(lines.describe(field, what));
        }

        /** Walks {@code steps}; {@code visible} grows with each step's id as it is passed. */
        void sequence(String field, List<WorkflowStep> steps, Set<String> visible, Set<String> unused) {
            for (int i = 0; i < steps.size(); i++) {
                step(field + "[" + i + "]", steps.get(i), visible);
            }
        }

        void step(String field, WorkflowStep step, Set<String> visible) {
            if (!allIds.add(step.id())) {
                problem(field + ".id", "repeats the step id '" + step.id() + "' (ids are unique in a workflow)");
            }
            if (step instanceof WorkflowStep.Agent a) {
                if (!known.agents().contains(a.agent())) {
                    problem(field + ".agent", "names an unknown agent '" + a.agent() + "' (known: "
                            + new java.util.TreeSet<>(known.agents()) + ")");
                }
                expressions(field + ".input", a.input(), visible);
                outputSchemas.put(a.id(), a.outputSchema());
            } else if (step instanceof WorkflowStep.Tool t) {
                if (!known.tools().contains(t.tool())) {
                    problem(field + ".tool",
                            "names an unknown tool '" + t.tool() + "' (known: " + new java.util.TreeSet<>(known.tools()) + ")");
                }
                arguments(field + ".arguments", t.arguments(), visible);
                outputSchemas.put(t.id(), t.outputSchema());
            } else if (step instanceof WorkflowStep.Nested n) {
                WorkflowDefinition target = workflows.get(n.workflow());
                if (target == null) {
                    problem(field + ".workflow", "names an unknown workflow '" + n.workflow() + "' (known: "
                            + new java.util.TreeSet<>(workflows.keySet()) + ")");
                } else {
                    fits(field + ".input", n.input(), target.inputSchema(), visible, "workflow '" + n.workflow() + "'");
                    outputSchemas.put(n.id(), target.outputSchema());
                }
                expressions(field + ".input", n.input(), visible);
            } else if (step instanceof WorkflowStep.Branch b) {
                condition(field + ".branch.when", b.when(), visible);
                Set<String> then = new HashSet<>(visible);
                sequence(field + ".branch.then", b.then(), then, null);
                Set<String> otherwise = new HashSet<>(visible);
                sequence(field + ".branch.else", b.otherwise(), otherwise, null);
                visible.addAll(then);
                visible.addAll(otherwise);
            } else if (step instanceof WorkflowStep.Parallel par) {
                Set<String> joined = new HashSet<>(visible);
                par.branches().forEach((name, steps) -> {
                    // Branches start from the same state: one does not read another's steps.
                    Set<String> own = new HashSet<>(visible);
                    sequence(field + ".parallel." + name, steps, own, null);
                    joined.addAll(own);
                });
                visible.addAll(joined);
            } else if (step instanceof WorkflowStep.Loop l) {
                Set<String> body = new HashSet<>(visible);
                sequence(field + ".loop.steps", l.body(), body, null);
                condition(field + ".loop.until", l.until(), body);
                visible.addAll(body);
            } else if (step instanceof WorkflowStep.Supervisor s) {
                if (!known.agents().contains(s.agent())) {
                    problem(field + ".supervisor.agent", "names an unknown agent '" + s.agent() + "'");
                }
                for (int i = 0; i < s.delegates().size(); i++) {
                    String d = s.delegates().get(i);
                    if (!known.agents().contains(d)) {
                        problem(field + ".supervisor.delegates[" + i + "]", "names an unknown agent '" + d + "'");
                        continue;
                    }
                    List<String> effects = known.agentTools().getOrDefault(d, List.of()).stream()
                            .filter(t -> !known.idempotentTool().test(t)).toList();
                    if (!effects.isEmpty()) {
                        problem(field + ".supervisor.delegates[" + i + "]", "names agent '" + d + "', whose tools "
                                + effects + " are not idempotent (a delegation cut short by a crash runs again)");
                    }
                }
                expressions(field + ".supervisor.input", s.input(), visible);
            }
            visible.add(step.id());
        }

        void condition(String field, Condition c, Set<String> visible) {
            if (c instanceof Condition.VerdictIs v && !visible.contains(v.step())) {
                problem(field + ".verdict.step", "reads step '" + v.step() + "', which has not run at this point");
            }
            if (c instanceof Condition.Compare cmp) {
                expressions(field + ".value", cmp.value(), visible);
            }
        }

        void arguments(String field, Map<String, Object> args, Set<String> visible) {
            args.forEach((k, v) -> {
                if (v instanceof String s) {
                    expressions(field + "." + k, s, visible);
                } else if (v instanceof Map<?, ?> m) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> nested = (Map<String, Object>) m;
                    arguments(field + "." + k, nested, visible);
                }
            });
        }

        void expressions(String field, String text, Set<String> visible) {
            for (String ref : Expressions.references(text)) {
                String bad = Expressions.malformed(ref);
                if (bad != null) {
                    problem(field, bad);
                    continue;
                }
                List<String> parts = Expressions.split(ref);
                if (parts.get(0).equals("input")) {
                    fields(field, ref, wf.inputSchema(), parts.subList(1, parts.size()));
                    continue;
                }
                String id = parts.get(1);
                if (!visible.contains(id)) {
                    problem(field,
                            "reads step '" + id + "', which has not run at this point (" + (allIds.contains(id) || exists(id)
                                    ? "it comes later or in another branch"
                                    : "no step has that id") + ")");
                } else if (parts.get(2).equals("output")) {
                    fields(field, ref, outputSchemas.get(id), parts.subList(3, parts.size()));
                }
            }
        }

        private boolean exists(String id) {
            return ids(wf.steps()).contains(id);
        }

        /** A field path read from a value with a declared schema must be in the schema. */
        void fields(String field, String ref, JsonNode schema, List<String> path) {
            JsonNode at = schema;
            for (String p : path) {
                if (at == null) {
                    return;
                }
                if (p.startsWith("[")) {
                    if (at.has("type") && !at.path("type").asText().equals("array")) {
                        problem(field, "'${" + ref + "}' indexes a value whose schema is of type " + at.path("type").asText());
                        return;
                    }
                    at = at.get("items");
                    continue;
                }
                JsonNode props = at.get("properties");
                if (at.has("type") && !at.path("type").asText().equals("object")) {
                    problem(field, "'${" + ref + "}' reads field '" + p + "' of a value whose schema is of type "
                            + at.path("type").asText());
                    return;
                }
                if (props == null) {
                    return;
                }
                if (!props.has(p)) {
                    List<String> names = new ArrayList<>();
                    props.fieldNames().forEachRemaining(names::add);
                    problem(field,
                            "'${" + ref + "}' reads field '" + p + "', which its schema does not have (it has: " + names + ")");
                    return;
                }
                at = props.get(p);
            }
        }

        /** The input given to a workflow with an input schema must fit it. */
        void fits(String field, String input, JsonNode schema, Set<String> visible, String what) {
            if (schema == null || !"object".equals(schema.path("type").asText())) {
                return;
            }
            List<String> refs = Expressions.references(input);
            boolean lone = refs.size() == 1 && input.trim().equals("${" + refs.get(0) + "}");
            if (!lone) {
                problem(field, "gives text to " + what + ", whose input schema wants an object");
                return;
            }
            JsonNode source = schemaOf(refs.get(0));
            if (source == null) {
                return;
            }
            String type = source.path("type").asText("");
            if (!type.isEmpty() && !type.equals("object")) {
                problem(field, "gives a value of type " + type + " to " + what + ", whose input schema wants an object");
                return;
            }
            JsonNode props = source.get("properties");
            for (JsonNode req : schema.path("required")) {
                if (props != null && !props.has(req.asText())) {
                    problem(field, "gives " + what + " a value without its required field '" + req.asText() + "'");
                }
            }
        }

        private JsonNode schemaOf(String ref) {
            List<String> parts = Expressions.split(ref);
            JsonNode at = parts.get(0).equals("input") ? wf.inputSchema()
                    : parts.get(2).equals("output") ? outputSchemas.get(parts.get(1)) : null;
            int from = parts.get(0).equals("input") ? 1 : 3;
            for (int i = from; i < parts.size() && at != null; i++) {
                String p = parts.get(i);
                at = p.startsWith("[") ? at.get("items") : at.path("properties").get(p);
            }
            return at;
        }
    }

    private static Set<String> ids(List<WorkflowStep> steps) {
        Set<String> ids = new HashSet<>();
        for (WorkflowStep s : steps) {
            ids.add(s.id());
            ids.addAll(ids(s.children()));
        }
        return ids;
    }

    /** The first cycle through {@code name}'s nested workflows, written {@code a → b → a}; null when none. */
    private String cycle(String name, List<String> trail) {
        if (trail.contains(name)) {
            List<String> loop = new ArrayList<>(trail.subList(trail.indexOf(name), trail.size()));
            loop.add(name);
            return String.join(" → ", loop);
        }
        WorkflowDefinition wf = workflows.get(name);
        if (wf == null) {
            return null;
        }
        trail.add(name);
        for (String nested : nestedNames(wf.steps())) {
            String c = cycle(nested, trail);
            if (c != null) {
                return c;
            }
        }
        trail.remove(trail.size() - 1);
        return null;
    }

    private static Set<String> nestedNames(List<WorkflowStep> steps) {
        Set<String> names = new LinkedHashSet<>();
        for (WorkflowStep s : steps) {
            if (s instanceof WorkflowStep.Nested n) {
                names.add(n.workflow());
            }
            names.addAll(nestedNames(s.children()));
        }
        return names;
    }
}
