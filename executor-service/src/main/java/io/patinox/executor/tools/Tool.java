package io.patinox.executor.tools;

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

    /**
     * Runs the tool.
     *
     * @throws ToolFailure when the arguments are wrong or the tool cannot do it
     */
    String execute(Map<String, Object> arguments);
}
