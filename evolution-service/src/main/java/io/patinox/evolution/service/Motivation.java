package io.patinox.evolution.service;

import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.evolution.replay.StepRecorder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * What motivated a drafted proposal, in its evidence: the aggregate and clusters (the rules name them), what the
 * aggregate measured ({@code measured}: steps, errors, timeouts, tokens and cost where recorded), and the recorded
 * steps of the agent at that config version that the rule is about ({@code stepIds}, newest first), with their
 * trace ids ({@code traceIds}) and W3C traceparents ({@code traceparents}, which the proposal's span links to).
 */
final class Motivation {

    /** Most steps named. */
    static final int MAX_STEPS = 10;

    private final StepRecorder recorder;

    Motivation(StepRecorder recorder) {
        this.recorder = recorder;
    }

    /** {@code draft} with its motivation added to the evidence. */
    Draft of(Draft draft, TelemetryAggregate a) {
        Map<String, String> e = new LinkedHashMap<>(draft.evidence());
        e.putIfAbsent("aggregate", a.subject());
        e.put("measured", measured(a));
        Predicate<StepEvent> which = stepsBehind(draft.kind());
        if (which != null) {
            List<StepRecorder.Motivating> steps = recorder.motivating(a.agent(), a.configVersion(), which, MAX_STEPS);
            if (!steps.isEmpty()) {
                e.put("stepIds", steps.stream().map(StepRecorder.Motivating::stepId).collect(Collectors.joining(", ")));
                String traces = steps.stream().map(StepRecorder.Motivating::traceId).filter(Objects::nonNull)
                        .distinct().collect(Collectors.joining(", "));
                if (!traces.isEmpty()) {
                    e.put("traceIds", traces);
                    e.put("traceparents", steps.stream().filter(s -> s.traceparent() != null)
                            .map(s -> s.stepId() + " " + s.traceparent()).collect(Collectors.joining("\n")));
                }
            }
        }
        return new Draft(draft.key(), draft.kind(), draft.agent(), draft.baseVersion(), draft.summary(),
                draft.changes(), e);
    }

    /** The steps a kind of proposal answers to, or null. */
    private static Predicate<StepEvent> stepsBehind(String kind) {
        return switch (kind) {
            case "revise-instructions", ModelDrafts.KIND -> s -> s.outcome() == StepOutcome.RETRIED;
            case "add-known-attacks" -> s -> s.outcome() == StepOutcome.BLOCKED;
            case "raise-deadline" -> s -> s.verdictSource() != VerdictSource.VALIDATOR;
            default -> null;
        };
    }

    static String measured(TelemetryAggregate a) {
        var usage = a.usage();
        String cost = usage.inputTokens() + usage.outputTokens() == 0 && usage.costUsd() == 0 ? "cost not recorded"
                : String.format(Locale.ROOT, "%d input + %d output tokens, cost %.4f USD", usage.inputTokens(),
                        usage.outputTokens(), usage.costUsd());
        return String.format(Locale.ROOT, "%d steps at config version %s: %d errors, %d timeouts; %s", a.steps(),
                a.configVersion(), a.errors(), a.timeouts(), cost);
    }
}
