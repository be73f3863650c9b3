package io.patinox.analyzer.service;

import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.VerdictSource;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The text of a failed, retried or blocked step that is embedded and clustered:
 * {@code <kind>: <what went wrong> | <what the agent proposed>}, e.g. {@code blocked: prompt injection | Ignore ...}. Exemplars
 * leave the service, so e-mail addresses and long digit runs (cards, phone numbers) are
 * masked first.
 */
public final class FailureText {

    private static final int MAX_CHARS = 1_000;
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+\\.[\\w.-]+");
    private static final Pattern DIGITS = Pattern.compile("\\d[\\d -]{7,}\\d");

    private FailureText() {
    }

    /**
     * The kind of failure of a step ({@code blocked} by a validator, {@code unanswered}: blocked by the fail mode
     * because no verdict came in time, {@code retried}, {@code failed}), or empty for a good one. Only what a
     * validator blocked may be an attack; a step nobody judged is not.
     */
    public static Optional<String> kind(StepEvent step) {
        return switch (step.outcome()) {
            case BLOCKED -> Optional.of(step.verdictSource() == VerdictSource.VALIDATOR ? "blocked" : "unanswered");
            case RETRIED -> Optional.of("retried");
            case FAILED -> Optional.of("failed");
            case EXECUTED, DIVERTED -> Optional.empty();
        };
    }

    /** The redacted text of a failure step. */
    public static String of(StepEvent step) {
        String why = step.outcome() == StepOutcome.FAILED && step.error() != null ? step.error()
                : step.verdict().fold(a -> "", m -> m.reason(), r -> r.feedback(), d -> d.reason(), b -> b.reason());
        String text = kind(step).orElse("step") + ": " + why + " | " + step.action().text();
        return redact(text.length() > MAX_CHARS ? text.substring(0, MAX_CHARS) : text);
    }

    /** Masks e-mail addresses and long digit runs. */
    public static String redact(String text) {
        return DIGITS.matcher(EMAIL.matcher(text).replaceAll("[email]")).replaceAll("[number]");
    }

    /** The id of a failure: one per step and attempt, so a redelivered step is stored once. */
    public static String id(StepEvent step) {
        return step.runId() + "#" + step.stepIndex() + "#" + step.occurredAt().toEpochMilli();
    }
}
