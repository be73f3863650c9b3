package io.patinox.executor.api;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.service.RunExecutor;
import java.util.UUID;

/**
 * A workflow step that runs an agent on its input, under the validator like any task, and yields the
 * run's result. Blocking.
 */
public final class AgentStep implements Workflow<String, RunResult> {

    private final RunExecutor executor;
    private final AgentDefinition agent;

    private AgentStep(RunExecutor executor, AgentDefinition agent) {
        this.executor = executor;
        this.agent = agent;
    }

    /** A step that runs {@code agent} (from YAML or from {@link AgentBuilder}) with {@code executor}. */
    public static AgentStep of(RunExecutor executor, AgentDefinition agent) {
        return new AgentStep(executor, agent);
    }

    @Override
    public RunResult run(String input) {
        TaskSubmitted task = TaskSubmitted.of("workflow-" + UUID.randomUUID(), agent.name(), input);
        return executor.run(task, agent).orElseThrow();
    }
}
