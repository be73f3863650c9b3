package io.patinox.contracts.events;

/**
 * Tokens and cost spent by one step or one run.
 *
 * @param inputTokens prompt tokens sent to the model
 * @param outputTokens completion tokens received
 * @param costUsd estimated cost in US dollars
 */
public record Usage(long inputTokens, long outputTokens, double costUsd) {

    /** Nothing spent. */
    public static final Usage NONE = new Usage(0, 0, 0);

    public Usage {
        Checks.nonNegative(inputTokens, "inputTokens");
        Checks.nonNegative(outputTokens, "outputTokens");
        if (costUsd < 0) {
            throw new IllegalArgumentException("field 'costUsd' must be >= 0, was " + costUsd);
        }
    }

    /** The given usage, or {@link #NONE} for a missing one (an optional field of several records). */
    public static Usage orNone(Usage usage) {
        return usage == null ? NONE : usage;
    }

    /** The sum of two usages. */
    public Usage plus(Usage other) {
        return new Usage(inputTokens + other.inputTokens, outputTokens + other.outputTokens, costUsd + other.costUsd);
    }

    /** Input plus output tokens. */
    public long totalTokens() {
        return inputTokens + outputTokens;
    }
}
