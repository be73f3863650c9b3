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

    /** Whether {@code tool} may be repeated safely; unknown tools are not. */
    public boolean idempotent(String tool) {
        return find(tool).map(Tool::idempotent).orElse(false);
    }

    /**
     * Runs {@code tool} for {@code agent}.
     *
     * @throws ToolFailure when the tool is unknown, not allowed for the agent, or fails
     */
    public String run(AgentDefinition agent, String runId, String tool, Map<String, Object> arguments) {
        if (!agent.allows(tool)) {
            throw new ToolFailure("tool '" + tool + "' is not allowed for agent '" + agent.name() + "' (allowed: " + agent.tools() + ")");
        }
        Tool t = find(tool).orElseThrow(() -> new ToolFailure("unknown tool '" + tool + "' (registered: " + tools.keySet() + ")"));
        executions.record(runId, tool, clock.instant());
        try {
            return t.execute(agent, arguments);
        } catch (ToolFailure e) {
            throw e;
        } catch (RuntimeException | LinkageError e) {
            // LinkageError: a native library (e.g. the memory's) that cannot load fails the step, not the run.
            throw new ToolFailure("tool '" + tool + "' failed: " + e);
        }
    }
}
