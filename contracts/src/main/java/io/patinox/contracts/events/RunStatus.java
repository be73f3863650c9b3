package io.patinox.contracts.events;

/** How a run ended. */
public enum RunStatus {
    /** The agent gave a final answer that was allowed. */
    COMPLETED,
    /** A step was blocked (by the validator, or fail-closed); the answer is a safe refusal. */
    BLOCKED,
    /** The run was handed to another agent or to human review. */
    DIVERTED,
    /** A budget (steps, tokens, cost, wall time, retries) ran out. */
    BUDGET_EXCEEDED,
    /**
     * The run waits for a person's decision on a step diverted to human review; not an end: no result carries it,
     * the run resumes (or ends) when the decision or the review's time limit comes.
     */
    SUSPENDED,
    /** The run could not go on: unknown agent, model failure, executor lost the run. */
    FAILED
}
