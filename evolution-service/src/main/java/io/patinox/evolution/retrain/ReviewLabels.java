package io.patinox.evolution.retrain;

import io.patinox.contracts.events.ReviewDecision;
import io.patinox.contracts.events.ReviewRequest;
import java.util.regex.Pattern;

/**
 * Which review decisions label a step, and how (docs/adr/0019-detector-retraining-from-reviews.md). The text labelled
 * is the task input of a run's first step (index 0), where the input is what the diverted step read besides its
 * proposed action; at a later step the suspicious text may have been a tool output or a memory the review does not
 * carry, so the input would be labelled for something it did not say.
 * <ul>
 * <li>{@code REJECT} whose reason matches the attack pattern (injection, jailbreak, attack, ...): an attack;</li>
 * <li>{@code APPROVE}: benign (a person let the step run);</li>
 * <li>ignored: {@code EDIT} (the reviewer changed the action; that says nothing certain of the input), a rejection
 * for another reason (a wrong amount, a business rule), a decision of the policy's time limit ({@code decidedBy}
 * {@value #TIMEOUT}: no person looked), a step after the first, an empty input.</li>
 * </ul>
 */
public final class ReviewLabels {

    /** {@code decidedBy} of a decision the policy's time limit took. */
    public static final String TIMEOUT = "timeout";

    /** A label, or why a decision gives none. */
    public record Labelled(ReviewedExample example, String ignored) {
    }

    private final Pattern attackReasons;

    public ReviewLabels(String attackReasons) {
        this.attackReasons = Pattern.compile(attackReasons);
    }

    /** The example a decided review gives, or why it gives none. */
    public Labelled label(ReviewRequest request, ReviewDecision decision) {
        if (TIMEOUT.equals(decision.decidedBy())) {
            return ignored("decided by the time limit, not a person");
        }
        if (request.stepIndex() != 0) {
            return ignored("step " + request.stepIndex() + " (only first steps are labelled by their input)");
        }
        if (request.input().isBlank()) {
            return ignored("empty task input");
        }
        boolean attack;
        switch (decision.decision()) {
            case APPROVE -> attack = false;
            case REJECT -> {
                if (!attackReasons.matcher(decision.reason()).find()) {
                    return ignored("rejected for a reason that is not an attack: " + decision.reason());
                }
                attack = true;
            }
            default -> {
                return ignored("edited: the input's label is unknown");
            }
        }
        return new Labelled(new ReviewedExample(request.reviewId(), request.taskId(), request.runId(), request.agent(),
                request.policy(), request.stepIndex(), request.configVersion(), request.input(), attack,
                decision.decision().name(), decision.decidedBy(), decision.reason(), decision.occurredAt()), null);
    }

    private static Labelled ignored(String why) {
        return new Labelled(null, why);
    }
}
