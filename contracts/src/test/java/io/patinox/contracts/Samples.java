package io.patinox.contracts;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.FailureCluster;
import io.patinox.contracts.events.LatencySummary;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One filled-in instance of every event record. */
final class Samples {
    static final Instant T = Instant.parse("2026-11-25T10:15:30.123Z");
    static final ModelRef SCRIPTED = new ModelRef("scripted", "demo-turns", true);

    static TaskSubmitted task() {
        return new TaskSubmitted(1, "t-1", "support", "What is 2+2?", Map.of("tenant", "acme"), T);
    }

    static ValidationRequest request() {
        return new ValidationRequest(1, "r-1", "t-1", "run-1", 0, "support", "abc123", "default",
                new Action.ToolCall("calculator", Map.of("expression", "2+2")),
                new StepContext("What is 2+2?", List.of(), Usage.NONE, 0), T);
    }

    static ValidationReply reply() {
        return ValidationReply.answering(request(), "abc123",
                new Verdict.Modify(new Action.FinalAnswer("mail [EMAIL]"), "email redacted"),
                List.of(new Finding("pii", Verdict.Kind.MODIFY, 1.0, "email redacted", 120)), 250, T);
    }

    static StepEvent step() {
        return new StepEvent(1, "t-1", "run-1", 0, "support", "abc123", SCRIPTED,
                new Action.FinalAnswer("4"), new Verdict.Allow(), VerdictSource.VALIDATOR, List.of(),
                StepOutcome.EXECUTED, "4", null, new Usage(10, 2, 0.0001), 5, 900, 0, T);
    }

    static RunResult result() {
        return new RunResult(1, "t-1", "run-1", "support", "abc123", RunStatus.COMPLETED, "4", null, 1,
                new Usage(10, 2, 0.0001), SCRIPTED, Map.of(), T, T);
    }

    static TelemetryAggregate aggregate() {
        return new TelemetryAggregate(1, "agent=support|version=abc123|window=total", "support", "abc123", null,
                null, TelemetryAggregate.TOTAL, T, T, 1, 2, Map.of("allow", 2L), Map.of("COMPLETED", 1L), 0, 0, 0,
                Map.of("validation", new LatencySummary(2, 1.0, 2.0, 2.0, 2.0)), Usage.NONE,
                List.of(new FailureCluster("c1", 3, 0.5, List.of("ignore previous instructions"))), T);
    }

    static EvolutionProposal proposal() {
        return new EvolutionProposal(1, "p-1", "support", "raise-deadline", ProposalStatus.DRAFTED,
                "Raise the step deadline", "abc123", null, null, null, Map.of("timeouts", "12%"), T);
    }

    static TaskSubmitted workflowTask() {
        return new TaskSubmitted(1, "t-2", "refund-review", "{\"orderId\":\"A-1\"}", Map.of(), T, "refund-review");
    }

    static io.patinox.contracts.events.ReviewRequest reviewRequest() {
        return new io.patinox.contracts.events.ReviewRequest(1, "rv-1", "t-2", "run-2", "refunds", "refund-review", "refund", 3,
                "abc123", "refunds", new Action.ToolCall("refund", Map.of("orderId", "A-1", "amount", 900)),
                "refunds above 500 need a human", "{\"orderId\":\"A-1\"}", Map.of(), T.plusSeconds(86_400), T);
    }

    static io.patinox.contracts.events.ReviewDecision reviewDecision() {
        return new io.patinox.contracts.events.ReviewDecision(1, "d-1", "rv-1", "t-2",
                io.patinox.contracts.events.ReviewDecision.Kind.EDIT,
                new Action.ToolCall("refund", Map.of("orderId", "A-1", "amount", 400)), null, "ada", T);
    }

    static List<Object> all() {
        return List.of(task(), request(), reply(), step(), result(), aggregate(), proposal(), workflowTask(),
                reviewRequest(), reviewDecision());
    }

    private Samples() {
    }
}
