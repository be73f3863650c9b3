package io.patinox.executor.tools;

import java.util.Map;

/**
 * The tools this executor registers, by name, and whether each may be repeated safely: what a config is checked
 * against outside the running service ({@code ./patinox check-config}), where no tool bean exists. A test keeps it
 * equal to the {@link ToolRegistry}'s beans.
 */
public final class BuiltInTools {

    /** Name → {@link Tool#idempotent()}. */
    public static final Map<String, Boolean> IDEMPOTENT = Map.of(
            "calculator", true,
            "clock", true,
            "memory_search", true,
            "refund", false);

    private BuiltInTools() {
    }
}
