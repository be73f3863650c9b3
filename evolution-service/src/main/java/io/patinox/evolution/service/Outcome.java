package io.patinox.evolution.service;

import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.TelemetryAggregate;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The effect of a merged proposal: one rate per step (lower is better) of the new config version's totals against
 * the previous version's. A {@code raise-deadline} is judged by its timeout rate, any other change by its failure
 * rate (fail-mode verdicts and failed steps); a move within {@code tolerance} is no effect.
 *
 * @param status {@code IMPROVED}, {@code NO_EFFECT} or {@code REGRESSED}
 * @param metric the rate compared
 * @param before its value at the previous version
 * @param after its value at the new version
 * @param stepsBefore steps seen at the previous version
 * @param stepsAfter steps seen at the new version
 */
public record Outcome(ProposalStatus status, String metric, double before, double after, long stepsBefore,
        long stepsAfter) {

    /** Compares {@code before} (previous version) with {@code after} (new version). */
    public static Outcome judge(String kind, TelemetryAggregate before, TelemetryAggregate after, double tolerance) {
        boolean timeouts = "raise-deadline".equals(kind);
        String metric = timeouts ? "timeoutRate" : "failureRate";
        double b = rate(before, timeouts);
        double a = rate(after, timeouts);
        ProposalStatus status = a < b - tolerance ? ProposalStatus.IMPROVED
                : a > b + tolerance ? ProposalStatus.REGRESSED : ProposalStatus.NO_EFFECT;
        return new Outcome(status, metric, b, a, before.steps(), after.steps());
    }

    private static double rate(TelemetryAggregate a, boolean timeoutsOnly) {
        long bad = timeoutsOnly ? a.timeouts() : a.timeouts() + a.errors();
        return a.steps() == 0 ? 0 : (double) bad / a.steps();
    }

    /** The outcome as evidence entries. */
    public Map<String, String> evidence() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("outcome", String.format(Locale.ROOT, "%s: %s %.3f (%d steps) -> %.3f (%d steps)", status, metric, before,
                stepsBefore, after, stepsAfter));
        return e;
    }
}
