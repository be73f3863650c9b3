package io.patinox.analyzer.service;

import java.time.Instant;

/**
 * The compaction keys of {@code patinox.aggregates}:
 * <ul>
 * <li>{@code agent=<a>|version=<v>|window=total} and {@code ...|window=PT1M|start=<instant>}: the agent;
 * <li>{@code agent=<a>|version=<v>|tool=<t>|window=...}: the steps of one tool;
 * <li>{@code agent=<a>|version=<v>|validator=<n>|window=...}: the findings of one validator;
 * <li>{@code agent=<a>|version=<v>|window=total|clusters}: failure clusters.
 * </ul>
 */
public final class Subjects {

    private Subjects() {
    }

    /**
     * {@code agent=support|version=ab12|window=total}, or for a tumbling window
     * {@code agent=support|version=ab12|window=PT1M|start=2026-11-25T14:20:00Z}.
     */
    public static String subject(String agent, String configVersion, String window, Instant windowStart) {
        return subject(agent, configVersion, Scope.AGENT, window, windowStart);
    }

    /** The subject of one scope: {@code agent=support|version=ab12|tool=lookup|window=total}. */
    public static String subject(String agent, String configVersion, Scope scope, String window,
            Instant windowStart) {
        var s = new StringBuilder(96).append("agent=").append(agent).append("|version=").append(configVersion);
        switch (scope.dimension()) {
            case TOOL -> s.append("|tool=").append(scope.name());
            case VALIDATOR -> s.append("|validator=").append(scope.name());
            case AGENT -> {
            }
        }
        s.append("|window=").append(window);
        if (windowStart != null) {
            s.append("|start=").append(windowStart);
        }
        return s.toString();
    }
}
