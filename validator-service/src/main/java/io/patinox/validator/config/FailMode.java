package io.patinox.validator.config;

/** What a policy's chain concludes when a validator fails, times out or is skipped for lack of time. */
public enum FailMode {
    /** Block the step: nothing unchecked runs. The default. */
    CLOSED,
    /** Let the step run: availability over safety, for low-risk agents. */
    OPEN
}
