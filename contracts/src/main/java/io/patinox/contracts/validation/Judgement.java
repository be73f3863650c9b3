package io.patinox.contracts.validation;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import java.util.Objects;

/**
 * What one {@link Validator} concluded: the verdict it asks for (a {@link Verdict.Modify} carries the
 * changed action, a {@link Verdict.Divert} its target), a score and a reason.
 *
 * @param verdict the verdict this validator asks for
 * @param score in [0, 1], 1 = certainly a problem; 0 when the validator has no score
 * @param reason why, in words an operator can act on; never the personal data or secret that was found
 */
public record Judgement(Verdict verdict, double score, String reason) {

    public Judgement {
        Objects.requireNonNull(verdict, "verdict");
        Objects.requireNonNull(reason, "reason");
        if (Double.isNaN(score) || score < 0 || score > 1) {
            throw new IllegalArgumentException("score must be in [0, 1]: " + score);
        }
    }

    /** Nothing to object to. */
    public static Judgement allow(double score, String reason) {
        return new Judgement(Verdict.allow(), score, reason);
    }

    /** Run the step with {@code action} instead of the proposed one. */
    public static Judgement modify(Action action, double score, String reason) {
        return new Judgement(new Verdict.Modify(action, reason), score, reason);
    }

    /** Ask the model again with {@code feedback}. */
    public static Judgement retry(double score, String feedback) {
        return new Judgement(new Verdict.Retry(feedback), score, feedback);
    }

    /** Hand the run to {@code target} (another agent or {@link Verdict.Divert#HUMAN_REVIEW}). */
    public static Judgement divert(String target, double score, String reason) {
        return new Judgement(new Verdict.Divert(target, reason), score, reason);
    }

    /** End the run. */
    public static Judgement block(double score, String reason) {
        return new Judgement(new Verdict.Block(reason), score, reason);
    }

    /** The kind of verdict asked for. */
    public Verdict.Kind kind() {
        return verdict.kind();
    }

    /** The finding a chain records for this judgement. */
    public Finding toFinding(String validator, long latencyMicros) {
        return new Finding(validator, verdict.kind(), score, reason, latencyMicros);
    }
}
