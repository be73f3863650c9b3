package io.patinox.contracts.validation;

import io.patinox.contracts.events.ValidationRequest;

/**
 * One check of a validator chain: a proposed step in, a {@link Judgement} out.
 *
 * <p>
 * The chain that runs a validator measures its latency, enforces its time limit, catches what it
 * throws and turns the judgement into a {@link io.patinox.contracts.verdict.Finding}; a validator only
 * decides. Implementations must be thread-safe (one instance serves concurrent requests) and must not
 * keep state between requests. A validator that cannot decide throws: the policy's fail mode then applies.
 *
 * <p>
 * When an earlier validator of the chain answered {@code Modify}, later ones see the request with
 * the modified action.
 */
public interface Validator {

    /** The name the findings carry and the policy refers to, e.g. {@code rules} or {@code pii}. */
    String name();

    /**
     * A rough relative cost (e.g. expected microseconds): the chain runs its validators cheapest first.
     * Regex rules are tens, an in-process classifier hundreds, a model call hundreds of thousands.
     */
    default int cost() {
        return 100;
    }

    /**
     * Judges one proposed step.
     *
     * @param request the step, with the run's context; never null
     * @return the verdict this validator asks for, a score and a reason; never null
     */
    Judgement validate(ValidationRequest request);
}
