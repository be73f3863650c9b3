package io.patinox.executor.admission;

/** Whose quota: an API key's or an agent's. */
public enum Scope {
    KEY("API key"),
    AGENT("agent");

    private final String label;

    Scope(String label) {
        this.label = label;
    }

    /** The scope as a refusal names it. */
    public String label() {
        return label;
    }

    /** The scope as metrics name it. */
    public String tag() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
