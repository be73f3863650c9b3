package io.patinox.evolution.replay;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.evolution.config.EvolutionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The newest steps of every agent from {@code patinox.steps} (at most {@code replay.max-steps-per-agent} each) and
 * the task inputs from {@code patinox.tasks} (at most {@code replay.max-tasks}), in memory: the recorded traffic a
 * proposal is replayed on. Only steps the validator judged count: a verdict of the fail mode says nothing about
 * the step. A blocked step is a known attack, an allowed (or modified) one a known-good step.
 */
@ApplicationScoped
public class StepRecorder {

    @Inject
    EvolutionConfig config;

    /** For CDI. */
    public StepRecorder() {
    }

    /** Outside CDI (tests). */
    public StepRecorder(EvolutionConfig config) {
        this.config = config;
    }

    /** A W3C traceparent: version, trace id, parent span id, flags. */
    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final Map<String, Deque<StepEvent>> steps = new LinkedHashMap<>();
    private final Map<StepEvent, String> traceparents = new IdentityHashMap<>();
    private Map<String, String> inputs;

    /**
     * A recorded step that motivated a proposal.
     *
     * @param stepId {@code <run>#<index>}
     * @param traceparent the W3C traceparent it was published with, or null
     */
    public record Motivating(String stepId, String traceparent) {
        /** Its trace id, or null. */
        public String traceId() {
            return traceparent == null ? null : traceparent.substring(3, 35);
        }
    }

    /** Keeps a step. */
    public void record(StepEvent step) {
        record(step, null);
    }

    /** Keeps a step with the W3C {@code traceparent} it was published with (ignored unless well formed). */
    public synchronized void record(StepEvent step, String traceparent) {
        Deque<StepEvent> agentSteps = steps.computeIfAbsent(step.agent(), a -> new ArrayDeque<>());
        agentSteps.addLast(step);
        if (traceparent != null && TRACEPARENT.matcher(traceparent).matches()) {
            traceparents.put(step, traceparent);
        }
        while (agentSteps.size() > config.replay().maxStepsPerAgent()) {
            traceparents.remove(agentSteps.removeFirst());
        }
    }

    /** The newest (at most {@code max}) recorded steps of {@code agent} at {@code version} that {@code which} picks. */
    public synchronized List<Motivating> motivating(String agent, String version, Predicate<StepEvent> which, int max) {
        Deque<StepEvent> agentSteps = steps.get(agent);
        List<Motivating> found = new ArrayList<>();
        if (agentSteps == null) {
            return found;
        }
        for (var it = agentSteps.descendingIterator(); it.hasNext() && found.size() < max;) {
            StepEvent step = it.next();
            if ((version == null || step.configVersion().equals(version)) && which.test(step)) {
                found.add(new Motivating(step.runId() + "#" + step.stepIndex(), traceparents.get(step)));
            }
        }
        return found;
    }

    /** Keeps a task's input, for the context of its steps. */
    public synchronized void record(TaskSubmitted task) {
        inputs().put(task.taskId(), task.input());
    }

    /** How many steps are kept for {@code agent}. */
    public synchronized int size(String agent) {
        Deque<StepEvent> agentSteps = steps.get(agent);
        return agentSteps == null ? 0 : agentSteps.size();
    }

    /**
     * The recorded steps of {@code agent} as replay examples, with the request rebuilt as the executor sent it:
     * the task input and the outputs of the run's earlier tool calls as context, {@code policy} as the policy.
     */
    public synchronized List<ReplayExample> examples(String agent, String policy) {
        Deque<StepEvent> agentSteps = steps.get(agent);
        if (agentSteps == null) {
            return List.of();
        }
        List<ReplayExample> examples = new ArrayList<>();
        for (StepEvent step : agentSteps) {
            if (step.verdictSource() != VerdictSource.VALIDATOR) {
                continue;
            }
            var kind = step.verdict().kind();
            ReplayExample.Set set = kind == io.patinox.contracts.verdict.Verdict.Kind.BLOCK ? ReplayExample.Set.ATTACK
                    : ReplayExample.through(kind) ? ReplayExample.Set.GOOD : null;
            if (set == null) {
                continue; // retried or diverted steps are neither known attacks nor known-good steps
            }
            List<String> toolOutputs = new ArrayList<>();
            for (StepEvent earlier : agentSteps) {
                if (earlier.runId().equals(step.runId()) && earlier.stepIndex() < step.stepIndex()
                        && earlier.action() instanceof Action.ToolCall && earlier.output() != null) {
                    toolOutputs.add(earlier.output());
                }
            }
            String input = inputs().getOrDefault(step.taskId(), "");
            var request = new ValidationRequest(ValidationRequest.SCHEMA_VERSION, "replay-" + step.runId() + "-"
                    + step.stepIndex(), step.taskId(), step.runId(), step.stepIndex(), agent, step.configVersion(),
                    policy, step.action(), new StepContext(input, toolOutputs, null, 0), Instant.now());
            examples.add(new ReplayExample("step " + step.runId() + "#" + step.stepIndex(), set, request, kind));
        }
        return examples;
    }

    /**
     * Per validator, its share of blocking findings among the recorded steps of {@code agent} at {@code before} and
     * {@code after}, for the validators whose share rose: {@code "rules 0.050 -> 0.400"}, one per line.
     */
    public synchronized String blockRatesByValidator(String agent, String before, String after) {
        Deque<StepEvent> agentSteps = steps.get(agent);
        if (agentSteps == null) {
            return "";
        }
        Map<String, long[]> counts = new java.util.TreeMap<>(); // validator -> blocks before, after
        long[] totals = new long[2];
        for (StepEvent step : agentSteps) {
            int i = step.configVersion().equals(before) ? 0 : step.configVersion().equals(after) ? 1 : -1;
            if (i < 0 || step.verdictSource() != VerdictSource.VALIDATOR) {
                continue;
            }
            totals[i]++;
            for (var finding : step.findings()) {
                long[] c = counts.computeIfAbsent(finding.validator(), v -> new long[2]);
                if (finding.outcome() == io.patinox.contracts.verdict.Verdict.Kind.BLOCK) {
                    c[i]++;
                }
            }
        }
        if (totals[0] == 0 || totals[1] == 0) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        counts.forEach((validator, c) -> {
            double b = (double) c[0] / totals[0];
            double a = (double) c[1] / totals[1];
            if (a > b) {
                out.append(String.format(java.util.Locale.ROOT, "%s %.3f -> %.3f%n", validator, b, a));
            }
        });
        return out.toString().strip();
    }

    private Map<String, String> inputs() {
        if (inputs == null) {
            int max = config.replay().maxTasks();
            inputs = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > max;
                }
            };
        }
        return inputs;
    }
}
