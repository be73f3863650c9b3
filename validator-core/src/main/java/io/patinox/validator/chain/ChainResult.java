package io.patinox.validator.chain;

import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import java.util.List;

/**
 * What a chain concluded about one step.
 *
 * @param verdict the strongest verdict asked for; a {@code Modify} carries every modification made
 * @param findings one per validator that ran (or failed, or was skipped), in the order they ran
 * @param latencyMicros the chain's wall time
 */
public record ChainResult(Verdict verdict, List<Finding> findings, long latencyMicros) {
}
