package io.patinox.executor.tools;

/** A tool call that failed; it becomes a failed step, and the model sees the message. */
public class ToolFailure extends RuntimeException {

    public ToolFailure(String message) {
        super(message);
    }
}
