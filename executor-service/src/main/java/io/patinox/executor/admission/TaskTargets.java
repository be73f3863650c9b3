package io.patinox.executor.admission;

import io.patinox.executor.config.AgentRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What a task may name as the one to run it: an agent of the config today. The one place that decides whether a
 * name is valid and known, for the door and the consumer alike; a workflow registry's {@code find(name)} joins in
 * {@link #check}, next to the agents'.
 */
@ApplicationScoped
public class TaskTargets {

    /** The agent schema's name pattern (agent.schema.json): lower-case letters, digits and dashes, at most 63. */
    public static final Pattern IDENTIFIER = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    @Inject
    AgentRegistry agents;

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
        if (!isIdentifier(agent)) {
            return Optional.of(Refusal.of(Refusal.Kind.INVALID, "agent name '" + printable(agent) + "' is not a valid"
                    + " identifier (" + IDENTIFIER.pattern() + ")"));
        }
        if (agents.find(agent).isEmpty()) {
            return Optional.of(Refusal.of(Refusal.Kind.UNKNOWN_TARGET, "unknown agent '" + agent + "' (known: "
                    + agents.all().keySet() + ")"));
        }
        return Optional.empty();
    }

    /** A name as a message may quote it: at most 64 characters, control characters replaced. */
    static String printable(String name) {
        String s = name == null ? "" : name;
        s = s.length() > 64 ? s.substring(0, 64) + "…" : s;
        return s.replaceAll("\\p{Cntrl}", "?");
    }
}
