package io.patinox.analyzer;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds contract events for the tests. */
public final class TestEvents {

    static final ModelRef SCRIPTED = new ModelRef("scripted", "test-script", true);

    private TestEvents() {
    }

    static StepEvent step(String agent, String version, String runId, int index, Verdict verdict, StepOutcome outcome,
            VerdictSource source, Usage usage, long modelMicros, long validationMicros,
            long executionMicros, Instant at) {
        return step(agent, version, runId, index, "lookup", verdict, outcome, source, usage, modelMicros,
                validationMicros, executionMicros, at);
    }

    /** A step that calls {@code tool}, or gives a final answer when {@code tool} is null. */
    static StepEvent step(String agent, String version, String runId, int index, String tool, Verdict verdict,
            StepOutcome outcome, VerdictSource source, Usage usage, long modelMicros,
            long validationMicros, long executionMicros, Instant at) {
        Action action = tool == null ? new Action.FinalAnswer("the answer " + index)
                : new Action.ToolCall(tool, Map.of("q", "order " + index));
        return new StepEvent(StepEvent.SCHEMA_VERSION, "task-" + runId, runId, index, agent, version, SCRIPTED,
                action, verdict, source, List.of(), outcome,
                outcome == StepOutcome.EXECUTED ? "ok" : null, outcome == StepOutcome.FAILED ? "tool crashed" : null,
                usage, modelMicros, validationMicros, executionMicros, at);
    }

    static ValidationReply reply(String agent, String version, String runId, int index, Verdict verdict,
            long latencyMicros, Instant at) {
        return reply(agent, version, runId, index, verdict, latencyMicros, at,
                List.of(new Finding("rules", verdict.kind(), 0.0, "test", latencyMicros)));
    }

    static ValidationReply reply(String agent, String version, String runId, int index, Verdict verdict,
            long latencyMicros, Instant at, List<Finding> findings) {
        return new ValidationReply(ValidationReply.SCHEMA_VERSION, "req-" + runId + "-" + index, "task-" + runId, runId,
                index, agent, version, "default", verdict, findings, latencyMicros, at);
    }

    static Finding finding(String validator, Verdict.Kind outcome, long latencyMicros) {
        return new Finding(validator, outcome, 0.0, "test", latencyMicros);
    }

    static RunResult result(String agent, String version, String runId, RunStatus status, Instant at) {
        return new RunResult(RunResult.SCHEMA_VERSION, "task-" + runId, runId, agent, version, status, "done",
                status == RunStatus.COMPLETED ? null : "because", 2, Usage.NONE, SCRIPTED, Map.of(), at.minusMillis(50),
                at);
    }
}
