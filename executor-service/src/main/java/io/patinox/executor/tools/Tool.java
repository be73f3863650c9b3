package io.patinox.executor.tools;

import java.util.List;
import java.util.Map;

/**
 * A tool an agent can call by name. Implement it as an {@code @ApplicationScoped} bean and it is
 * registered; an agent still needs it listed under {@code tools} in its YAML to call it.
 */
public interface Tool {

    /** The name agents and scripts call it by. */
    String name();

    /** One line for the model: what it does and its arguments. */
    String description();

    /** The tool's arguments, for models that call tools by schema. None by default. */
    default List<Parameter> parameters() {
        return List.of();
    }

    /**
     * Whether running the tool twice with the same arguments is harmless (it only reads or computes).
     * A tool that changes the world (a refund, an e-mail) must say {@code false}, the default: if the
     * executor stops while such a tool runs, the resumed run does not repeat it but ends and goes to
     * human review, because nobody knows whether it took effect.
     */
    default boolean idempotent() {
        return false;
    }

    /**
     * Whether the output is read from long-term memory, which earlier runs wrote: such an output stays in every later
     * step's {@code StepContext.memory}, untrusted, so the validators keep inspecting it for as long as the model can
     * act on it (an injection planted in memory blocks the step that would follow it).
     */
    default boolean readsMemory() {
        return false;
    }

    /**
     * One argument of a tool.
     *
     * @param name the argument's name
     * @param type its JSON type: {@code string}, {@code number}, {@code integer} or {@code boolean}
     * @param description what it is, for the model
     * @param required whether a call must give it
     */
    record Parameter(String name, String type, String description, boolean required) {
    }

    /**
     * Runs the tool.
     *
     * @throws ToolFailure when the arguments are wrong or the tool cannot do it
     */
    String execute(Map<String, Object> arguments);

    /** Runs the tool for {@code agent}; override when the tool needs to know who calls it. */
    default String execute(io.patinox.executor.config.AgentDefinition agent, Map<String, Object> arguments) {
        return execute(arguments);
    }
}
