package io.patinox.executor.tools;

import io.patinox.executor.config.AgentDefinition;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** Every {@link Tool} bean by name; runs a call only if the agent's YAML allows that tool. */
@ApplicationScoped
public class ToolRegistry {

    private final Map<String, Tool> tools = new TreeMap<>();

    @Inject
    ToolExecutions executions;

    @Inject
    Clock clock;

    @Inject
    io.patinox.executor.config.ExecutorConfig config;

    @Inject
    void register(@Any Instance<Tool> beans) {
        for (Tool tool : beans) {
            tools.put(tool.name(), tool);
        }
    }

    /** The tool named {@code name}, if registered. */
    public Optional<Tool> find(String name) {
        return Optional.ofNullable(tools.get(name));
    }

    /** The names of every registered tool. */
    public java.util.Set<String> names() {
        return tools.keySet();
    }

    /** {@code output} cut to {@code max} characters, with a note of what was left out; null stays null. */
    static String capped(String output, int max) {
        if (output == null || output.length() <= max) {
            return output;
        }
        int end = Character.isHighSurrogate(output.charAt(max - 1)) ? max - 1 : max;
        return output.substring(0, end) + "\n[truncated by the executor: " + end + " of " + output.length()
                + " characters shown (patinox.executor.limits.max-tool-output-chars)]";
    }

    /** Whether {@code tool} may be repeated safely; unknown tools are not. */
    public boolean idempotent(String tool) {
        return find(tool).map(Tool::idempotent).orElse(false);
    }

    /** Whether {@code tool}'s output comes from long-term memory (see {@link Tool#readsMemory()}). */
    public boolean readsMemory(String tool) {
        return find(tool).map(Tool::readsMemory).orElse(false);
    }

    /**
     * Runs {@code tool} for {@code agent}. An output longer than {@code patinox.executor.limits.max-tool-output-chars}
     * is cut to it, with a note saying so: the model and the validators see the same, bounded text.
     *
     * @throws ToolFailure when the tool is unknown, not allowed for the agent, or fails
     */
    public String run(AgentDefinition agent, String runId, String tool, Map<String, Object> arguments) {
        if (!agent.allows(tool)) {
            throw new ToolFailure(
                    "tool '" + tool + "' is not allowed for agent '" + agent.name() + "' (allowed: " + agent.tools() + ")");
        }
        Tool t = find(tool)
                .orElseThrow(() -> new ToolFailure("unknown tool '" + tool + "' (registered: " + tools.keySet() + ")"));
        executions.record(runId, tool, clock.instant());
        try {
            return capped(t.execute(agent, arguments), config.limits().maxToolOutputChars());
        } catch (ToolFailure e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a native library (e.g. the memory's) that cannot load fails the step, not the run.
            throw new ToolFailure("tool '" + tool + "' failed: " + e);
        }
    }
}
