package io.patinox.executor.api;

import io.patinox.contracts.validation.FailMode;
import io.patinox.executor.config.AgentDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A staged (typestate) builder for agents in Java, beside the YAML files: each required part is its own
 * stage, so {@code build()} only exists once name, model, instructions and policy are set; code that
 * skips one does not compile.
 *
 * <pre>{@code
 * AgentDefinition a = AgentBuilder.named("support")
 *         .model("scripted/support")
 *         .instructions("You are the support assistant.")
 *         .policy("default")
 *         .tools("calculator", "clock")
 *         .stepDeadline(Duration.ofSeconds(2))
 *         .build();
 * }</pre>
 */
public final class AgentBuilder {

    /** Stage 2 of 4: the model ({@code provider/name}). */
    public interface ModelStage {
        InstructionsStage model(String model);
    }

    /** Stage 3 of 4: the system prompt. */
    public interface InstructionsStage {
        PolicyStage instructions(String instructions);
    }

    /** Stage 4 of 4: the validator policy that judges the agent's steps. */
    public interface PolicyStage {
        OptionalStage policy(String policy);
    }

    /** Every required part is set: optional settings, then {@link #build()}. */
    public interface OptionalStage {
        OptionalStage tools(String... tools);

        OptionalStage maxSteps(int maxSteps);

        OptionalStage stepDeadline(Duration deadline);

        OptionalStage failMode(FailMode failMode);

        OptionalStage maxRetries(int maxRetries);

        OptionalStage budget(AgentDefinition.Budget budget);

        AgentDefinition build();
    }

    private AgentBuilder() {
    }

    /** Stage 1 of 4: the agent's name. */
    public static ModelStage named(String name) {
        return new Stages(requireText(name, "name"));
    }

    private static String requireText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("agent field '" + field + "' must not be blank");
        }
        return value;
    }

    private static int atLeast(int value, int min, String field) {
        if (value < min) {
            throw new IllegalArgumentException(field + " must be >= " + min + ", was " + value);
        }
        return value;
    }

    private static final class Stages implements ModelStage, InstructionsStage, PolicyStage, OptionalStage {
        private final String name;
        private String model;
        private String instructions;
        private String policy;
        private final List<String> tools = new ArrayList<>();
        private int maxSteps = 8;
        private Duration stepDeadline = Duration.ofSeconds(2);
        private FailMode failMode = FailMode.CLOSED;
        private int maxRetries = 2;
        private AgentDefinition.Budget budget = AgentDefinition.Budget.UNLIMITED;

        Stages(String name) {
            this.name = name;
        }

        @Override
        public InstructionsStage model(String model) {
            this.model = requireText(model, "model");
            return this;
        }

        @Override
        public PolicyStage instructions(String instructions) {
            this.instructions = Objects.requireNonNull(instructions, "instructions");
            return this;
        }

        @Override
        public OptionalStage policy(String policy) {
            this.policy = requireText(policy, "policy");
            return this;
        }

        @Override
        public OptionalStage tools(String... tools) {
            this.tools.addAll(List.of(tools));
            return this;
        }

        @Override
        public OptionalStage maxSteps(int maxSteps) {
            this.maxSteps = atLeast(maxSteps, 1, "maxSteps");
            return this;
        }

        @Override
        public OptionalStage stepDeadline(Duration deadline) {
            if (deadline.isNegative() || deadline.isZero()) {
                throw new IllegalArgumentException("stepDeadline must be > 0, was " + deadline);
            }
            this.stepDeadline = deadline;
            return this;
        }

        @Override
        public OptionalStage failMode(FailMode failMode) {
            this.failMode = Objects.requireNonNull(failMode, "failMode");
            return this;
        }

        @Override
        public OptionalStage maxRetries(int maxRetries) {
            this.maxRetries = atLeast(maxRetries, 0, "maxRetries");
            return this;
        }

        @Override
        public OptionalStage budget(AgentDefinition.Budget budget) {
            this.budget = Objects.requireNonNull(budget, "budget");
            return this;
        }

        @Override
        public AgentDefinition build() {
            return new AgentDefinition(name, model, instructions, tools, maxSteps, stepDeadline, policy, failMode,
                    maxRetries, budget, List.of(), "java:" + name);
        }
    }
}
