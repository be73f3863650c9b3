package io.patinox.validator.config;

import io.patinox.contracts.validation.Validator;
import java.time.Duration;
import java.util.List;

/**
 * A loaded policy: its validators ready to run, cheapest first.
 *
 * @param name          the policy's name (its file name)
 * @param failMode      what a failing validator amounts to
 * @param latencyBudget the whole chain's time limit
 * @param steps         the validators in the order they run
 */
public record Policy(String name, FailMode failMode, Duration latencyBudget, List<Step> steps) {

    /** A validator with its time limit. */
    public record Step(Validator validator, Duration timeout) {
    }
}
