package io.patinox.executor.rest;

import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.workflow.WorkflowRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Shows the agent config in force: its version, its agents and workflows, and why a newer one was refused. Always
 * up: a refused change leaves the last good config running.
 */
@Readiness
@ApplicationScoped
public class AgentConfigHealth implements HealthCheck {

    @Inject
    AgentRegistry registry;

    @Inject
    WorkflowRegistry workflows;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("agent-config").up()
                .withData("version", registry.version())
                .withData("agents", String.join(",", registry.all().keySet()))
                .withData("workflows", String.join(",", workflows.all().keySet()))
                .withData("workflowsVersion", workflows.version());
        if (registry.lastError() != null) {
            b.withData("refusedChange", registry.lastError());
        }
        if (workflows.lastError() != null) {
            b.withData("refusedWorkflowChange", workflows.lastError());
        }
        return b.build();
    }
}
