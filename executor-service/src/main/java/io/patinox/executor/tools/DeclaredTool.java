package io.patinox.executor.tools;

import java.util.List;
import java.util.Map;

/**
 * A tool whose name, description and parameters are given once, to its constructor (the built-in tools that take
 * arguments). It reads a call's arguments with {@link #text} and refuses bad ones with {@link #needs}, in messages
 * that name the tool and the arguments it was given.
 */
public abstract class DeclaredTool implements Tool {

    private final String name;
    private final String description;
    private final List<Parameter> parameters;

    protected DeclaredTool(String name, String description, Parameter... parameters) {
        this.name = name;
        this.description = description;
        this.parameters = List.of(parameters);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * The string argument {@code parameter} of a call.
     *
     * @throws ToolFailure when the call gives none, or one that is not a string
     */
    protected String text(Map<String, Object> arguments, String parameter) {
        if (arguments.get(parameter) instanceof String text) {
            return text;
        }
        throw needs("a string argument '" + parameter + "'", arguments);
    }

    /** The failure of a call whose {@code arguments} lack {@code what}. */
    protected ToolFailure needs(String what, Map<String, Object> arguments) {
        return new ToolFailure(name + " needs " + what + ", got " + arguments);
    }
}
