package io.patinox.executor.config;

import io.patinox.contracts.validation.FailMode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One agent as its YAML file in {@code <config dir>/agents/} defines it.
 *
 * @param name the agent's name; tasks name it
 * @param model {@code provider/name}, e.g. {@code scripted/support} or {@code openai/gpt-4o-mini}
 * @param instructions the system prompt
 * @param tools the tools this agent may call; any other tool call fails
 * @param maxSteps the most steps (proposals, retries included) a run may take
 * @param stepDeadline how long a step may wait for its verdict
 * @param policy the validator policy that judges this agent's steps
 * @param failMode what a missing verdict means
 * @param maxRetries how often the validator may send one step back to the model
 * @param budget token, cost and wall-time limits of one run
 * @param knowledge texts the agent's long-term memory starts with (searched by {@code memory_search})
 * @param source the file it was read from
 */
public record AgentDefinition(String name, String model, String instructions, List<String> tools, int maxSteps,
        Duration stepDeadline, String policy, FailMode failMode, int maxRetries, Budget budget,
        List<String> knowledge, String source) {

    public AgentDefinition {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(model, "model");
        tools = List.copyOf(tools);
        budget = budget == null ? Budget.UNLIMITED : budget;
        knowledge = knowledge == null ? List.of() : List.copyOf(knowledge);
    }

    /**
     * Limits of one run beyond {@code maxSteps}; 0 (or null for the wall time) means no limit.
     *
     * @param maxTokens input plus output tokens of all model calls
     * @param maxCostUsd estimated cost of all model calls
     * @param maxWallTime time from the run's start
     */
    public record Budget(long maxTokens, double maxCostUsd, Duration maxWallTime) {
        /** No limits. */
        public static final Budget UNLIMITED = new Budget(0, 0, null);
    }

    /** The provider part of {@link #model()} ({@code scripted}, {@code openai}). */
    public String modelProvider() {
        int slash = model.indexOf('/');
        return slash < 0 ? model : model.substring(0, slash);
    }

    /** The name part of {@link #model()}: the model, or the script for the scripted provider. */
    public String modelName() {
        int slash = model.indexOf('/');
        return slash < 0 ? name : model.substring(slash + 1);
    }

    /** Whether the YAML lets this agent call {@code tool}. */
    public boolean allows(String tool) {
        return tools.contains(tool);
    }
}
