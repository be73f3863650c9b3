package io.patinox.analyzer.service;

import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.verdict.Verdict;

/**
 * What one consumed event adds to the aggregates of its (agent, config version), in a compact form that
 * crosses the repartition topic without the full event.
 *
 * @param kind              which topic it came from
 * @param agent             the agent
 * @param configVersion     the config commit
 * @param verdict           the applied verdict of a step, else null
 * @param outcome           the outcome of a step, else null
 * @param source            where a step's verdict came from, else null
 * @param status            how a run ended, else null
 * @param inputTokens       prompt tokens of a step
 * @param outputTokens      completion tokens of a step
 * @param costUsd           cost of a step
 * @param stepMicros        model + validation + execution time of a step
 * @param validationMicros  verdict round trip of a step
 * @param modelMicros       model time of a step
 * @param validatorMicros   time spent in the validator service, from a reply
 * @param eventTimeMillis   when the event happened (its {@code occurredAt})
 */
public record Contribution(Kind kind, String agent, String configVersion, Verdict.Kind verdict, StepOutcome outcome,
                           VerdictSource source, RunStatus status, long inputTokens, long outputTokens, double costUsd,
                           long stepMicros, long validationMicros, long modelMicros, long validatorMicros,
                           long eventTimeMillis) {

    /** The topic a contribution came from. */
    public enum Kind { STEP, REPLY, RUN }

    /** The contribution of a decoded event of one of the three consumed topics. */
    public static Contribution of(Event event) {
        if (event instanceof StepEvent s) {
            return new Contribution(Kind.STEP, s.agent(), s.configVersion(), s.verdict().kind(), s.outcome(),
                    s.verdictSource(), null, s.usage().inputTokens(), s.usage().outputTokens(), s.usage().costUsd(),
                    s.modelLatencyMicros() + s.validationLatencyMicros() + s.executionLatencyMicros(),
                    s.validationLatencyMicros(), s.modelLatencyMicros(), 0, s.occurredAt().toEpochMilli());
        }
        if (event instanceof ValidationReply r) {
            return new Contribution(Kind.REPLY, r.agent(), r.configVersion(), null, null, null, null, 0, 0, 0,
                    0, 0, 0, r.latencyMicros(), r.occurredAt().toEpochMilli());
        }
        if (event instanceof RunResult r) {
            // Tokens and cost are counted from the steps; the run's usage is their sum and would count twice.
            return new Contribution(Kind.RUN, r.agent(), r.configVersion(), null, null, null, r.status(), 0, 0, 0,
                    0, 0, 0, 0, r.occurredAt().toEpochMilli());
        }
        throw new IllegalArgumentException("the analyzer does not aggregate " + event.getClass().getSimpleName());
    }

    /** The grouping key: one aggregate per agent and config version. */
    public String groupKey() {
        return agent + "|" + configVersion;
    }

    /** True when the step's verdict came from the fail mode because the validator did not answer in time. */
    public boolean timedOut() {
        return source == VerdictSource.FAIL_CLOSED || source == VerdictSource.FAIL_OPEN;
    }
}
