package io.patinox.validator.policy;

import io.patinox.contracts.validation.FailMode;
import io.patinox.contracts.validation.Validator;
import java.time.Duration;
import java.util.List;

/**
 * A loaded policy: its validators ready to run, cheapest first.
 *
 * @param name the policy's name (its file name)
 * @param failMode what a failing validator amounts to
 * @param latencyBudget the whole chain's time limit
 * @param steps the validators in the order they run
 */
public record Policy(String name, FailMode failMode, Duration latencyBudget, List<Step> steps) {

    /**
     * A validator with its time limit.
     *
     * @param isolated whether it runs on a worker thread, so that its time limit can cut it short; cheap,
     *        deterministic validators run on the caller's thread and a time limit they exceed is
     *        found afterwards (a thread hop costs more than they do)
     */
    public record Step(Validator validator, Duration timeout, boolean isolated) {

        /** Validators at least this costly run isolated unless the policy says otherwise. */
        public static final int ISOLATION_COST = 100;

        /** A step isolated according to the validator's cost. */
        public Step(Validator validator, Duration timeout) {
            this(validator, timeout, validator.cost() >= ISOLATION_COST);
        }
    }
}
