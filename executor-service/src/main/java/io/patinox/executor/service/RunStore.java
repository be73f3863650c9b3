package io.patinox.executor.service;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The runs this executor instance has seen, by task id: the in-process idempotency record and what
 * {@code GET /runs/{taskId}} and its step stream show. In memory; the oldest entries are dropped beyond
 * {@link #KEPT}, and a finished run keeps its steps only while it is among the last {@link #STEPS_KEPT} finished (then
 * its state and result stay; its steps are on {@code patinox.steps}). Idempotency across restarts and instances is
 * the run journal's job.
 */
@ApplicationScoped
public class RunStore {

    /** How many runs are remembered. */
    public static final int KEPT = 10_000;
    /**
     * How many finished runs keep their steps: steps are most of a run's memory (actions, contexts, findings; ~5 KB
     * for a short run), and 10,000 runs with theirs were most of the executor's heap (docs/adr/0020-memory-budgets.md).
     */
    public static final int STEPS_KEPT = 1_000;

    /** What is known about one run. {@code state} is {@code RUNNING} or the final {@code RunStatus}. */
    public record RunView(String taskId, String runId, String agent, String state, List<StepEvent> steps, RunResult result) {
    }

    /** Told about a run's steps as they are published, then about its end. Must not block. */
    public interface Listener {
        void step(StepEvent step);

        void finished(RunResult result);
    }

    private final Map<String, RunView> runs = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, RunView> eldest) {
            return size() > KEPT;
        }
    };
    private final Map<String, List<Listener>> listeners = new LinkedHashMap<>();
    /** The finished runs that still hold their steps, oldest first. */
    private final ArrayDeque<String> finishedWithSteps = new ArrayDeque<>();

    /** Records the start of a run; false when this task id was already seen (a duplicate). */
    public synchronized boolean start(String taskId, String runId, String agent) {
        if (runs.containsKey(taskId)) {
            return false;
        }
        runs.put(taskId, new RunView(taskId, runId, agent, "RUNNING", List.of(), null));
        return true;
    }

    /** Records that a run waits for a reviewer (state {@code SUSPENDED}), keeping the steps seen so far. */
    public synchronized void suspend(String taskId, String runId, String agent) {
        RunView v = runs.get(taskId);
        runs.put(taskId, new RunView(taskId, runId, agent, "SUSPENDED", v == null ? List.of() : v.steps(), null));
    }

    /** Records that a suspended run goes on (a reviewer decided), keeping the steps seen so far. */
    public synchronized void resume(String taskId, String runId, String agent) {
        RunView v = runs.get(taskId);
        runs.put(taskId, new RunView(taskId, runId, agent, "RUNNING", v == null ? List.of() : v.steps(), null));
    }

    /** Adds a published step to its run. */
    public synchronized void step(StepEvent step) {
        RunView v = runs.get(step.taskId());
        if (v != null) {
            List<StepEvent> steps = new ArrayList<>(v.steps());
            steps.add(step);
            runs.put(step.taskId(), new RunView(v.taskId(), v.runId(), step.agent(), v.state(), List.copyOf(steps), null));
        }
        listeners.getOrDefault(step.taskId(), List.of()).forEach(l -> l.step(step));
    }

    /** Records the end of a run. */
    public synchronized void finish(RunResult result) {
        RunView v = runs.get(result.taskId());
        List<StepEvent> steps = v == null ? List.of() : v.steps();
        runs.put(result.taskId(),
                new RunView(result.taskId(), result.runId(), result.agent(), result.status().name(), steps, result));
        if (!steps.isEmpty()) {
            finishedWithSteps.addLast(result.taskId());
            while (finishedWithSteps.size() > STEPS_KEPT) {
                runs.computeIfPresent(finishedWithSteps.removeFirst(), (id, old) -> old.result() == null ? old
                        : new RunView(old.taskId(), old.runId(), old.agent(), old.state(), List.of(), old.result()));
            }
        }
        List<Listener> waiting = listeners.remove(result.taskId());
        if (waiting != null) {
            waiting.forEach(l -> l.finished(result));
        }
    }

    /** Records a run another instance (or an earlier process) finished, unless this instance knows it already. */
    public synchronized void remember(RunResult result) {
        runs.putIfAbsent(result.taskId(), new RunView(result.taskId(), result.runId(), result.agent(),
                result.status().name(), List.of(), result));
    }

    /**
     * Tells {@code listener} about the steps of {@code taskId} so far, then about each new one and the end.
     * A run this instance has not seen yet is waited for.
     *
     * @return what stops the listening
     */
    public synchronized Runnable listen(String taskId, Listener listener) {
        RunView v = runs.get(taskId);
        if (v != null) {
            v.steps().forEach(listener::step);
            if (v.result() != null) {
                listener.finished(v.result());
                return () -> {
                };
            }
        }
        listeners.computeIfAbsent(taskId, k -> new CopyOnWriteArrayList<>()).add(listener);
        return () -> {
            synchronized (this) {
                List<Listener> l = listeners.get(taskId);
                if (l != null) {
                    l.remove(listener);
                    if (l.isEmpty()) {
                        listeners.remove(taskId);
                    }
                }
            }
        };
    }

    /** The run of {@code taskId}, if this instance has seen it. */
    public synchronized Optional<RunView> find(String taskId) {
        return Optional.ofNullable(runs.get(taskId));
    }
}
