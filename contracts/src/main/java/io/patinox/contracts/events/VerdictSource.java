package io.patinox.contracts.events;

/** Where a step's verdict came from. */
public enum VerdictSource {
    /** The validator service answered in time. */
    VALIDATOR,
    /** No answer in time; the policy's fail-closed mode decided (a {@code Block}). */
    FAIL_CLOSED,
    /** No answer in time; the policy's fail-open mode decided (an {@code Allow}). */
    FAIL_OPEN,
    /** A person's review decision on a step the validator diverted to human review (an approval). */
    REVIEWER
}
