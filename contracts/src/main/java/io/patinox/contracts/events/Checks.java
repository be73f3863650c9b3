package io.patinox.contracts.events;

import java.util.List;
import java.util.Map;

/** Argument checks shared by the compact constructors; each message names the field. */
public final class Checks {

    private Checks() {
    }

    /** Rejects a missing required field. */
    public static <T> T required(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("missing required field '" + field + "'");
        }
        return value;
    }

    /** Rejects a missing or blank required text field. */
    public static String requiredText(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("missing required field '" + field + "'");
        }
        return value;
    }

    /** Rejects a schema version this build does not understand. */
    public static int version(int actual, int supported, String record) {
        if (actual == 0) {
            throw new IllegalArgumentException("missing required field 'schemaVersion' of " + record);
        }
        if (actual != supported) {
            throw new IllegalArgumentException("unsupported schemaVersion " + actual + " of " + record
                    + " (this reader understands " + supported + ")");
        }
        return actual;
    }

    /**
     * Rejects a record of a run that does not say which run it belongs to: its task, the run, the agent and the
     * config version the agent runs with.
     */
    public static void run(String taskId, String runId, String agent, String configVersion) {
        requiredText(taskId, "taskId");
        requiredText(runId, "runId");
        agent(agent, configVersion);
    }

    /** Rejects a record of one step of a run that does not say which run it belongs to, nor which step it is. */
    public static void step(String taskId, String runId, int stepIndex, String agent, String configVersion) {
        requiredText(taskId, "taskId");
        requiredText(runId, "runId");
        nonNegative(stepIndex, "stepIndex");
        agent(agent, configVersion);
    }

    /** Rejects a missing agent, or one without the config version (commit) it runs with. */
    public static void agent(String agent, String configVersion) {
        requiredText(agent, "agent");
        requiredText(configVersion, "configVersion");
    }

    /** Rejects a negative count or index. */
    public static long nonNegative(long value, String field) {
        if (value < 0) {
            throw new IllegalArgumentException("field '" + field + "' must be >= 0, was " + value);
        }
        return value;
    }

    /** A defensive, null-safe copy of an optional list. */
    public static <T> List<T> list(List<T> value) {
        return value == null ? List.of() : List.copyOf(value);
    }

    /** A defensive, null-safe copy of an optional map. */
    public static <K, V> Map<K, V> map(Map<K, V> value) {
        return value == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(value));
    }
}
