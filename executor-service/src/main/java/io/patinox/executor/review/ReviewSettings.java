package io.patinox.executor.review;

import io.patinox.contracts.events.ReviewDecision;
import java.time.Duration;
import java.util.Objects;

/**
 * A policy's {@code review} settings: with them, a step the validator diverts to human review suspends its run
 * until a reviewer decides, at most {@code timeout}; then {@code onTimeout} decides ({@code reject} or
 * {@code approve}). A policy without them keeps the older behaviour: the run ends {@code DIVERTED} and goes to
 * {@code patinox.review} for a person to check.
 *
 * @param timeout how long a run may wait
 * @param onTimeout the decision taken when nobody decided in time (approve or reject)
 */
public record ReviewSettings(Duration timeout, ReviewDecision.Kind onTimeout) {

    public ReviewSettings {
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(onTimeout, "onTimeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("review.timeout must be > 0, was " + timeout);
        }
        if (onTimeout == ReviewDecision.Kind.EDIT) {
            throw new IllegalArgumentException("review.onTimeout is 'approve' or 'reject' (nobody is there to edit)");
        }
    }
}
