package io.patinox.executor.workflow;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a {@link WorkflowDefinition}. Every step has an id, unique in its workflow; later steps read its
 * output as {@code ${steps.<id>.output}}. Texts and argument values may hold expressions ({@link Expressions}).
 */
public sealed interface WorkflowStep {

    /** The step's id. */
    String id();

    /** The steps nested in this one (branches, bodies), in order. */
    default List<WorkflowStep> children() {
        return List.of();
    }

    /** Runs an agent on {@code input}; its answer is the output (parsed as JSON when {@code outputSchema} is set). */
    record Agent(String id, String agent, String input, JsonNode outputSchema) implements WorkflowStep {
        public Agent {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(agent, "agent");
            input = input == null ? "${input}" : input;
        }
    }

    /** Calls a tool with arguments, after the validator allowed the call; the tool's output is the step's. */
    record Tool(String id, String tool, Map<String, Object> arguments, JsonNode outputSchema) implements WorkflowStep {
        public Tool {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(tool, "tool");
            arguments = arguments == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(arguments));
        }
    }

    /** Runs another workflow on {@code input}; its output is the step's. */
    record Nested(String id, String workflow, String input) implements WorkflowStep {
        public Nested {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(workflow, "workflow");
            input = input == null ? "${input}" : input;
        }
    }

    /**
     * Runs {@code then} when the condition holds, else {@code otherwise}; the output is the last step's of the branch taken.
     */
    record Branch(String id, Condition when, List<WorkflowStep> then, List<WorkflowStep> otherwise) implements WorkflowStep {
        public Branch {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(when, "when");
            then = List.copyOf(then);
            otherwise = otherwise == null ? List.of() : List.copyOf(otherwise);
        }

        @Override
        public List<WorkflowStep> children() {
            var all = new java.util.ArrayList<>(then);
            all.addAll(otherwise);
            return all;
        }
    }

    /** Fans out to named branches, each from the same state; joins their last outputs as {@code {name: output}}. */
    record Parallel(String id, Map<String, List<WorkflowStep>> branches) implements WorkflowStep {
        public Parallel {
            Objects.requireNonNull(id, "id");
            var copy = new LinkedHashMap<String, List<WorkflowStep>>();
            branches.forEach((k, v) -> copy.put(k, List.copyOf(v)));
            branches = java.util.Collections.unmodifiableMap(copy);
            if (branches.size() < 2) {
                throw new IllegalArgumentException("a parallel step has at least two branches");
            }
        }

        @Override
        public List<WorkflowStep> children() {
            return branches.values().stream().flatMap(List::stream).toList();
        }
    }

    /** Runs {@code body} again and again until the condition holds after an iteration, at most {@code max} times. */
    record Loop(String id, int max, Condition until, List<WorkflowStep> body) implements WorkflowStep {
        public Loop {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(until, "until");
            if (max < 1) {
                throw new IllegalArgumentException("a loop's max is >= 1, was " + max);
            }
            body = List.copyOf(body);
        }

        @Override
        public List<WorkflowStep> children() {
            return body;
        }
    }

    /**
     * Runs a supervising agent that may call the named agents as tools (each call runs that agent on the call's
     * {@code task} argument, every step validated), at most {@code maxDelegations} times.
     */
    record Supervisor(String id, String agent, List<String> delegates, int maxDelegations, String input)
            implements
                WorkflowStep {
        public Supervisor {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(agent, "agent");
            delegates = List.copyOf(delegates);
            if (maxDelegations < 1) {
                throw new IllegalArgumentException("maxDelegations is >= 1, was " + maxDelegations);
            }
            input = input == null ? "${input}" : input;
        }
    }
}
