package io.patinox.evolution.replay;

import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.verdict.Verdict;

/**
 * One step a proposal is replayed on.
 *
 * @param id names the example in the evidence without quoting it: {@code step <run>#<index>} for recorded
 *        steps (which may hold personal data), {@code <file>:<line>} for corpus lines
 * @param set whether it must stay stopped ({@link Set#ATTACK}) or pass ({@link Set#GOOD})
 * @param request the validation request as the executor sent it (or would have)
 * @param original the verdict it originally got, or null for corpus examples
 */
public record ReplayExample(String id, Set set, ValidationRequest request, Verdict.Kind original) {

    /** Which known set an example belongs to. */
    public enum Set {
        /** A known attack: a proposal must not let it through. */
        ATTACK,
        /** A known-good step: a proposal must not stop it. */
        GOOD
    }

    /** Whether a verdict lets the step run (as proposed or modified). */
    public static boolean through(Verdict.Kind kind) {
        return kind == Verdict.Kind.ALLOW || kind == Verdict.Kind.MODIFY;
    }
}
