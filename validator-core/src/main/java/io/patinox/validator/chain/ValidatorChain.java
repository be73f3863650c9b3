package io.patinox.validator.chain;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.FailMode;
import io.patinox.contracts.validation.Judgement;
import io.patinox.contracts.validation.Validator;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.validator.policy.Policy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a policy's validators on one step: in the policy's order (cheapest first), each under its time limit
 * and the policy's latency budget, stopping at the first {@code Block}. Isolated validators run on a worker
 * thread that the limit cuts short; the others on the caller's thread, checked against the limit afterwards. The answer is
 * the strongest verdict; later validators see the action as modified by earlier ones, and a final
 * {@code Modify} carries all modifications. A validator that throws, times out or is not reached in time
 * gives a finding saying so, with the verdict of the policy's fail mode.
 */
public final class ValidatorChain {

    /** Timer of each validator's latency, tag {@code validator}; Prometheus: {@code patinox_validator_latency_seconds}. */
    public static final String LATENCY_METRIC = "patinox_validator_latency";

    private final ExecutorService workers;
    private final Tracer tracer;
    private final MeterRegistry meters;
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public ValidatorChain(ExecutorService workers, Tracer tracer, MeterRegistry meters) {
        this.workers = workers;
        this.tracer = tracer;
        this.meters = meters;
    }

    /** Judges {@code request} with {@code policy}. Never throws for a validator's sake. */
    public ChainResult run(Policy policy, ValidationRequest request) {
        long start = System.nanoTime();
        long deadline = start + policy.latencyBudget().toNanos();
        ValidationRequest current = request;
        Verdict combined = Verdict.allow();
        List<Finding> findings = new ArrayList<>(policy.steps().size());
        List<String> modifications = new ArrayList<>();
        for (Policy.Step step : policy.steps()) {
            long remaining = deadline - System.nanoTime();
            Validator validator = step.validator();
            Judgement judgement;
            long took;
            if (remaining <= 0) {
                judgement = failed(policy.failMode(), validator, "not run: the policy's latency budget of "
                        + policy.latencyBudget().toMillis() + " ms was used up");
                took = 0;
            } else {
                long t0 = System.nanoTime();
                boolean ownLimit = step.timeout().toNanos() <= remaining;
                String onTimeout = ownLimit ? "timed out after " + step.timeout().toMillis() + " ms"
                        : "was stopped when the policy's latency budget of " + policy.latencyBudget().toMillis()
                                + " ms ran out";
                judgement = runOne(policy, step, current, ownLimit ? step.timeout().toNanos() : remaining, onTimeout);
                took = System.nanoTime() - t0;
                timer(validator.name()).record(took, TimeUnit.NANOSECONDS);
            }
            findings.add(judgement.toFinding(validator.name(), took / 1_000));
            if (judgement.verdict() instanceof Verdict.Modify m) {
                current = withAction(current, m.action());
                modifications.add(validator.name() + ": " + m.reason());
            }
            combined = combined.strongest(judgement.verdict());
            if (combined instanceof Verdict.Block) {
                break;
            }
        }
        if (combined instanceof Verdict.Modify) {
            combined = new Verdict.Modify(current.action(), String.join("; ", modifications));
        }
        return new ChainResult(combined, List.copyOf(findings), (System.nanoTime() - start) / 1_000);
    }

    private Judgement runOne(Policy policy, Policy.Step step, ValidationRequest request, long timeoutNanos,
            String onTimeout) {
        Validator validator = step.validator();
        Span span = tracer.spanBuilder(validator.getClass().getSimpleName() + ".validate")
                .setAttribute("patinox.validator", validator.name())
                .setAttribute("patinox.policy", policy.name())
                .startSpan();
        Future<Judgement> future = null;
        try {
            Context context = Context.current().with(span);
            Judgement judgement;
            if (step.isolated()) {
                future = workers.submit(context.wrap(() -> validator.validate(request)));
                judgement = future.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } else {
                long t0 = System.nanoTime();
                try (var ignored = context.makeCurrent()) {
                    judgement = validator.validate(request);
                } catch (RuntimeException e) {
                    throw new ExecutionException(e);
                }
                long took = System.nanoTime() - t0;
                if (took > timeoutNanos) {
                    span.setStatus(StatusCode.ERROR, "over time");
                    return failed(policy.failMode(), validator,
                            onTimeout.replace("timed out after", "exceeded its time limit of")
                                    + " (took " + took / 1_000_000 + " ms)");
                }
            }
            if (judgement == null) {
                throw new ExecutionException(new NullPointerException("validator returned no judgement"));
            }
            span.setAttribute("patinox.verdict", judgement.kind().name().toLowerCase());
            return judgement;
        } catch (TimeoutException e) {
            future.cancel(true);
            span.setStatus(StatusCode.ERROR, "timed out");
            return failed(policy.failMode(), validator, onTimeout);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            span.recordException(cause);
            span.setStatus(StatusCode.ERROR, cause.getClass().getSimpleName());
            return failed(policy.failMode(), validator, "failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : ": " + cause.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (future != null) {
                future.cancel(true);
            }
            return failed(policy.failMode(), validator, "interrupted");
        } catch (RuntimeException e) {
            // e.g. the worker pool refused the task while shutting down
            span.recordException(e);
            return failed(policy.failMode(), validator, "could not run: " + e);
        } finally {
            span.end();
        }
    }

    /** The judgement a failed validator amounts to under {@code mode}. */
    static Judgement failed(FailMode mode, Validator validator, String what) {
        return mode == FailMode.CLOSED
                ? Judgement.block(1, "validator '" + validator.name() + "' " + what + "; the policy fails closed")
                : Judgement.allow(0, "validator '" + validator.name() + "' " + what + "; the policy fails open");
    }

    private static ValidationRequest withAction(ValidationRequest r, Action action) {
        return new ValidationRequest(r.schemaVersion(), r.requestId(), r.taskId(), r.runId(), r.stepIndex(),
                r.agent(), r.configVersion(), r.policy(), action, r.context(), r.occurredAt());
    }

    private Timer timer(String validator) {
        return timers.computeIfAbsent(validator, v -> Timer.builder(LATENCY_METRIC)
                .description("Time one validator took to judge a step")
                .tag("validator", v)
                .publishPercentileHistogram()
                .register(meters));
    }
}
