package io.patinox.executor.config;

/** What a step's verdict is when the validator does not answer before the step deadline. */
public enum FailMode {
    /** No answer is a {@code Block}: nothing runs unchecked. The default. */
    CLOSED,
    /** No answer is an {@code Allow}: availability over safety, for harmless agents only. */
    OPEN
}
