package io.patinox.executor.admission;

import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.config.ReloadingRegistry;
import io.patinox.executor.workflow.WorkflowRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a task may name as the one to run it: an agent or a workflow of the config in force. The one place that
 * decides whether a name is valid and known, for the door and the consumer alike.
 */
@ApplicationScoped
public class TaskTargets {

    /** The agent schema's name pattern (agent.schema.json): lower-case letters, digits and dashes, at most 63. */
    public static final Pattern IDENTIFIER = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    @Inject
    AgentRegistry agents;

    @Inject
    WorkflowRegistry workflows;

    /** Whether {@code name} is an identifier: nothing else is looked up, let alone used as a path. */
    public static boolean isIdentifier(String name) {
        return name != null && IDENTIFIER.matcher(name).matches();
    }

    /**
     * Why the agent {@code agent} cannot run a task, or empty when it can.
     *
     * @param agent the name as the task gives it
     */
    public Optional<Refusal> check(String agent) {
        return refusal("agent", agent, agents);
    }

    /**
     * Why the workflow {@code workflow} cannot run a task, or empty when it can.
     *
     * @param workflow the name as the task gives it
     */
    public Optional<Refusal> checkWorkflow(String workflow) {
        return refusal("workflow", workflow, workflows);
    }

    /** Why {@code name} names no {@code kind} that {@code registry} has in force, or empty. */
    private static Optional<Refusal> refusal(String kind, String name, ReloadingRegistry<?> registry) {
        if (!isIdentifier(name)) {
            return Optional.of(Refusal.of(Refusal.Kind.INVALID, kind + " name '" + printable(name) + "' is not a valid"
                    + " identifier (" + IDENTIFIER.pattern() + ")"));
        }
        if (registry.find(name).isEmpty()) {
            return Optional.of(Refusal.of(Refusal.Kind.UNKNOWN_TARGET, "unknown " + kind + " '" + name + "' (known: "
                    + registry.all().keySet() + ")"));
        }
        return Optional.empty();
    }

    /** Why the task's agent, or its workflow when it names one, cannot run it; empty when it can. */
    public Optional<Refusal> check(String agent, String workflow) {
        return workflow == null ? check(agent) : checkWorkflow(workflow);
    }

    /** A name as a message may quote it: at most 64 characters, control characters replaced. */
    static String printable(String name) {
        String s = name == null ? "" : name;
        s = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
