package io.patinox.launcher;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.ValidationReply;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the benchmark saw, collected from the producer thread and the reader thread: submit times,
 * results, steps and the validator's own time per request. Times are {@link System#nanoTime()}.
 */
final class BenchRecorder {

    /** One finished task: when it was submitted (s since start) and how long it took. */
    record TaskPoint(double atSeconds, double latencyMs) {
    }

    /** One step: its validator round trip and the part of it spent inside the validator. */
    record StepPoint(double atSeconds, double roundTripMs, double modelMs) {
    }

    private final Map<String, Long> submitted = new ConcurrentHashMap<>();
    private final Map<String, Long> validatorMicros = new ConcurrentHashMap<>();
    private final Map<String, StepEvent> steps = new ConcurrentHashMap<>();
    private final Map<String, Long> stepSeen = new ConcurrentHashMap<>();
    private final List<TaskPoint> tasks = new ArrayList<>();
    private final Map<io.patinox.contracts.events.RunStatus, Integer> statuses = new EnumMap<>(
            io.patinox.contracts.events.RunStatus.class);
    private final AtomicInteger sendFailures = new AtomicInteger();
    private volatile long start;
    private volatile long end;
    private volatile long lastResult;

    void start() {
        start = System.nanoTime();
    }

    void finish() {
        end = System.nanoTime();
    }

    void submitted(String taskId, long nanos) {
        submitted.put(taskId, nanos);
    }

    void failedSend(String taskId, Exception e) {
        sendFailures.incrementAndGet();
        System.err.println("cannot publish " + taskId + ": " + e.getMessage());
    }

    /** Records a result; false for a duplicate or a task this run did not submit. */
    synchronized boolean result(RunResult r, long nanos) {
        Long at = submitted.remove(r.taskId());
        if (at == null) {
            return false;
        }
        tasks.add(new TaskPoint((at - start) / 1e9, (nanos - at) / 1e6));
        statuses.merge(r.status(), 1, Integer::sum);
        lastResult = nanos;
        return true;
    }

    void step(StepEvent s, long nanos) {
        String key = s.taskId() + "#" + s.stepIndex();
        steps.put(key, s);
        stepSeen.put(key, nanos);
    }

    void reply(ValidationReply r) {
        validatorMicros.put(r.taskId() + "#" + r.stepIndex(), r.latencyMicros());
    }

    synchronized int results() {
        return tasks.size();
    }

    int sendFailures() {
        return sendFailures.get();
    }

    synchronized List<TaskPoint> taskPoints() {
        return List.copyOf(tasks);
    }

    synchronized Map<io.patinox.contracts.events.RunStatus, Integer> statuses() {
        return Map.copyOf(statuses);
    }

    int stepCount() {
        return steps.size();
    }

    List<StepPoint> stepPoints() {
        List<StepPoint> points = new ArrayList<>();
        steps.forEach((key, s) -> points.add(new StepPoint((stepSeen.get(key) - start) / 1e9,
                s.validationLatencyMicros() / 1000.0, s.modelLatencyMicros() / 1000.0)));
        return points;
    }

    /** Validator round trip minus the validator's own time, per step that has both (ms). */
    List<Double> overheadMs() {
        List<Double> out = new ArrayList<>();
        steps.forEach((key, s) -> {
            Long inside = validatorMicros.get(key);
            if (inside != null && s.verdictSource() == io.patinox.contracts.events.VerdictSource.VALIDATOR) {
                out.add((s.validationLatencyMicros() - inside) / 1000.0);
            }
        });
        return out;
    }

    /** The validator's own time per request (ms). */
    List<Double> validatorInsideMs() {
        List<Double> out = new ArrayList<>();
        steps.keySet().forEach(key -> {
            Long inside = validatorMicros.get(key);
            if (inside != null) {
                out.add(inside / 1000.0);
            }
        });
        return out;
    }

    /** From the first submit to the last result. */
    double seconds() {
        long last = lastResult > 0 ? lastResult : end;
        return Math.max(1e-9, (last - start) / 1e9);
    }
}
