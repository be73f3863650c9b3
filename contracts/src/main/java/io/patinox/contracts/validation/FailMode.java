package io.patinox.contracts.validation;

/**
 * What a step's verdict is when it cannot be checked. Both sides of a verdict apply one: the executor when the
 * validator does not answer before the step deadline (an agent's {@code failMode}), the validator when one of a
 * policy's validators throws, times out or is not reached within the latency budget (a policy's {@code failMode}).
 * Written in YAML as {@code closed} or {@code open}.
 */
public enum FailMode {
    /** The step is blocked: nothing unchecked runs. The default. */
    CLOSED,
    /** The step is allowed: availability over safety, for low-risk agents only. */
    OPEN
}
