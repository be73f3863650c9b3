package io.patinox.validator.policy;

import java.util.List;
import java.util.Map;

/**
 * A policy file ({@code config/policies/<name>.yaml}) as written. Unknown fields are refused.
 *
 * @param name optional; when present it must equal the file name without {@code .yaml}
 * @param description free text for people
 * @param failMode {@code closed} (default) or {@code open}
 * @param latencyBudgetMs the whole chain's time limit; validators not started in time count as failed
 * @param validators the chain; run cheapest first (by cost), ties in file order
 * @param review the executor's human-review settings ({@code timeout}, {@code onTimeout}): how long a run
 *        whose step this policy diverts to a person may wait. The executor reads them, not the validator
 */
public record PolicyFile(String name, String description, String failMode, Integer latencyBudgetMs,
        List<Entry> validators, Review review) {

    /**
     * How long a run diverted to a person may wait for a decision, and what is decided when nobody does.
     *
     * @param timeout ISO-8601, e.g. {@code PT24H}
     * @param onTimeout {@code reject} or {@code approve}
     */
    public record Review(String timeout, String onTimeout) {
    }

    /**
     * One validator of the chain.
     *
     * @param type the validator type, e.g. {@code rules}, {@code pii}
     * @param name the name findings carry; default: the type
     * @param timeoutMs this validator's time limit; default: the service's {@code default-timeout}
     * @param cost overrides the validator's own cost estimate for ordering
     * @param isolated run on a worker thread that the time limit can cut short; default: for validators
     *        whose own cost is 100 or more (models, remote calls)
     * @param params the validator's parameters
     */
    public record Entry(String type, String name, Integer timeoutMs, Integer cost, Boolean isolated,
            Map<String, Object> params) {
    }
}
