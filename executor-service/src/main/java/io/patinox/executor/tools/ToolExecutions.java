package io.patinox.executor.tools;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The most recent tool executions with the instant each started, so operators and tests can check
 * that no tool ran before its step's verdict arrived.
 */
@ApplicationScoped
public class ToolExecutions {

    private static final int KEPT = 1000;

    /** One tool execution. */
    public record Execution(String runId, String tool, Instant startedAt) {
    }

    private final Deque<Execution> recent = new ArrayDeque<>();

    synchronized void record(String runId, String tool, Instant at) {
        recent.addLast(new Execution(runId, tool, at));
        if (recent.size() > KEPT) {
            recent.removeFirst();
        }
    }

    /** The executions of {@code runId}, oldest first. */
    public synchronized List<Execution> forRun(String runId) {
        return recent.stream().filter(e -> e.runId().equals(runId)).toList();
    }

    /** The executions of {@code tool}, oldest first. */
    public synchronized List<Execution> ofTool(String tool) {
        return recent.stream().filter(e -> e.tool().equals(tool)).toList();
    }
}
