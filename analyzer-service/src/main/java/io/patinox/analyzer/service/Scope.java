package io.patinox.analyzer.service;

/**
 * Which slice of one (agent, config version) a tally covers: the whole agent, one tool it called, or one validator
 * that judged its steps.
 *
 * @param dimension what the slice is narrowed by
 * @param name the tool's or validator's name; null for the agent itself
 */
public record Scope(Dimension dimension, String name) {

    /** What a slice is narrowed by. */
    public enum Dimension {
        AGENT,
        TOOL,
        VALIDATOR
    }

    /** The agent itself, not narrowed. */
    public static final Scope AGENT = new Scope(Dimension.AGENT, null);

    /** Unit separator: cannot occur in sane agent or version names, so scoped store keys never collide. */
    private static final char SEPARATOR = '\u001f';

    public Scope {
        if ((dimension == Dimension.AGENT) != (name == null)) {
            throw new IllegalArgumentException("a tool or validator scope needs a name, the agent scope none");
        }
    }

    /** One tool's slice. */
    public static Scope tool(String name) {
        return new Scope(Dimension.TOOL, name);
    }

    /** One validator's slice. */
    public static Scope validator(String name) {
        return new Scope(Dimension.VALIDATOR, name);
    }

    /** The state-store key of this slice of a group key ({@code agent|version}). */
    public String storeKey(String groupKey) {
        return switch (dimension) {
            case AGENT -> groupKey;
            case TOOL -> groupKey + SEPARATOR + "tool=" + name;
            case VALIDATOR -> groupKey + SEPARATOR + "validator=" + name;
        };
    }

    /** The tool, or null. */
    public String tool() {
        return dimension == Dimension.TOOL ? name : null;
    }

    /** The validator, or null. */
    public String validator() {
        return dimension == Dimension.VALIDATOR ? name : null;
    }
}
