package io.patinox.contracts.events;

/** What became of a proposed step once its verdict was applied. */
public enum StepOutcome {
    /** Allowed (or modified) and carried out. */
    EXECUTED,
    /** Not carried out; the model was asked again with the validator's feedback. */
    RETRIED,
    /** Not carried out; the run was handed to another agent or to human review. */
    DIVERTED,
    /** Not carried out; the run ended with a safe answer. */
    BLOCKED,
    /** Carried out, but the tool or model failed; the error is in the event. */
    FAILED
}
