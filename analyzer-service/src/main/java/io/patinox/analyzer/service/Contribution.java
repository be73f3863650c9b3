package io.patinox.analyzer.service;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import java.util.List;

/**
 * What one consumed event adds to the aggregates of its (agent, config version) and of its tool or validators, in
 * a compact form that crosses the repartition topic without the full event.
 *
 * @param kind which topic it came from
 * @param agent the agent
 * @param configVersion the config commit
 * @param verdict the applied verdict of a step, else null
 * @param outcome the outcome of a step, else null
 * @param source where a step's verdict came from, else null
 * @param status how a run ended, else null
 * @param tool the tool a step called, else null (final answers, replies, runs)
 * @param inputTokens prompt tokens of a step
 * @param outputTokens completion tokens of a step
 * @param costUsd cost of a step
 * @param stepMicros model + validation + execution time of a step
 * @param validationMicros verdict round trip of a step
 * @param modelMicros model time of a step
 * @param toolMicros execution time of a step's tool call
 * @param validatorMicros time spent in the validator service, from a reply
 * @param checks each validator's finding, from a reply; empty otherwise
 * @param eventTimeMillis when the event happened (its {@code occurredAt})
 */
public record Contribution(Kind kind, String agent, String configVersion, Verdict.Kind verdict, StepOutcome outcome,
        VerdictSource source, RunStatus status, String tool, long inputTokens, long outputTokens,
        double costUsd, long stepMicros, long validationMicros, long modelMicros, long toolMicros,
        long validatorMicros, List<Check> checks, long eventTimeMillis) {

    /** The topic a contribution came from. */
    public enum Kind {
        STEP,
        REPLY,
        RUN
    }

    /**
     * One validator's part of a reply.
     *
     * @param validator the validator's name
     * @param outcome the verdict kind it asked for
     * @param micros how long it took
     */
    public record Check(String validator, Verdict.Kind outcome, long micros) {
    }

    public Contribution {
        checks = checks == null ? List.of() : List.copyOf(checks);
    }

    /** The contribution of a decoded event of one of the three consumed topics. */
    public static Contribution of(Event event) {
        if (event instanceof StepEvent s) {
            String tool = s.action() instanceof Action.ToolCall call ? call.tool() : null;
            return new Contribution(Kind.STEP, s.agent(), s.configVersion(), s.verdict().kind(), s.outcome(),
                    s.verdictSource(), null, tool, s.usage().inputTokens(), s.usage().outputTokens(),
                    s.usage().costUsd(),
                    s.modelLatencyMicros() + s.validationLatencyMicros() + s.executionLatencyMicros(),
                    s.validationLatencyMicros(), s.modelLatencyMicros(), s.executionLatencyMicros(), 0, List.of(),
                    s.occurredAt().toEpochMilli());
        }
        if (event instanceof ValidationReply r) {
            List<Check> checks = r.findings().stream()
                    .map((Finding f) -> new Check(f.validator(), f.outcome(), f.latencyMicros())).toList();
            return new Contribution(Kind.REPLY, r.agent(), r.configVersion(), null, null, null, null, null, 0, 0, 0,
                    0, 0, 0, 0, r.latencyMicros(), checks, r.occurredAt().toEpochMilli());
        }
        if (event instanceof RunResult r) {
            // Tokens and cost are counted from the steps; the run's usage is their sum and would count twice.
            return new Contribution(Kind.RUN, r.agent(), r.configVersion(), null, null, null, r.status(), null, 0, 0,
                    0, 0, 0, 0, 0, 0, List.of(), r.occurredAt().toEpochMilli());
        }
        throw new IllegalArgumentException("the analyzer does not aggregate " + event.getClass().getSimpleName());
    }

    /** The grouping key: every subject of one agent and config version is folded in the same task. */
    public String groupKey() {
        return agent + "|" + configVersion;
    }

    /** True when the step's verdict came from the fail mode because the validator did not answer in time. */
    public boolean timedOut() {
        return source == VerdictSource.FAIL_CLOSED || source == VerdictSource.FAIL_OPEN;
    }

    /** True when a step's tool actually ran (executed, or failed while running). */
    public boolean toolRan() {
        return tool != null && (outcome == StepOutcome.EXECUTED || outcome == StepOutcome.FAILED);
    }
}
