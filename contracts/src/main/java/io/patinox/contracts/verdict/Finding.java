package io.patinox.contracts.verdict;

import io.patinox.contracts.events.Checks;

/**
 * What one validator of a chain concluded about a step.
 *
 * @param validator the validator's name, e.g. {@code pii} or {@code injection-classifier}
 * @param outcome the verdict kind this validator asked for
 * @param score the validator's score in [0, 1] where it has one (1 = certainly a problem), else 0
 * @param reason why, in words an operator can act on; never the unredacted personal data
 * @param latencyMicros how long the validator took
 */
public record Finding(String validator, Verdict.Kind outcome, double score, String reason, long latencyMicros) {
    public Finding {
        Checks.requiredText(validator, "validator");
        Checks.required(outcome, "outcome");
        Checks.required(reason, "reason");
        Checks.nonNegative(latencyMicros, "latencyMicros");
    }
}
