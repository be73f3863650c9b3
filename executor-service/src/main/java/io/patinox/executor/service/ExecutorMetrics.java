package io.patinox.executor.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;

/**
 * The executor's Micrometer metrics, as Prometheus shows them at {@code /q/metrics}:
 * {@code patinox_executor_runs_total{agent,status}}, {@code patinox_executor_steps_total{agent,verdict,outcome}},
 * {@code patinox_executor_tokens_total{agent,direction}}, {@code patinox_executor_cost_usd_total{agent}},
 * {@code patinox_executor_run_duration_seconds{agent,status}}, {@code patinox_executor_step_model_seconds{agent}},
 * {@code patinox_executor_step_validation_seconds{agent,source}}, {@code patinox_executor_step_execution_seconds{agent}}.
 */
@ApplicationScoped
public class ExecutorMetrics {

    @Inject
    MeterRegistry registry;

    /** Counts a published step and its latencies. */
    public void step(StepEvent step) {
        String agent = step.agent();
        Counter.builder("patinox.executor.steps").description("Steps proposed, by verdict and outcome")
                .tag("agent", agent).tag("verdict", step.verdict().kind().name().toLowerCase(Locale.ROOT))
                .tag("outcome", step.outcome().name()).register(registry).increment();
        Counter.builder("patinox.executor.tokens").description("Model tokens").tag("agent", agent).tag("direction", "input")
                .register(registry).increment(step.usage().inputTokens());
        Counter.builder("patinox.executor.tokens").description("Model tokens").tag("agent", agent).tag("direction", "output")
                .register(registry).increment(step.usage().outputTokens());
        Counter.builder("patinox.executor.cost.usd").description("Estimated model cost in USD").tag("agent", agent)
                .register(registry).increment(step.usage().costUsd());
        timer("patinox.executor.step.model", "Time the model took to propose a step", agent, null, null)
                .record(Duration.ofNanos(step.modelLatencyMicros() * 1000));
        timer("patinox.executor.step.validation", "Time from asking for a verdict to having it", agent, "source",
                step.verdictSource().name()).record(Duration.ofNanos(step.validationLatencyMicros() * 1000));
        timer("patinox.executor.step.execution", "Time to carry out an allowed step", agent, null, null)
                .record(Duration.ofNanos(step.executionLatencyMicros() * 1000));
    }

    /** Counts an ended run and its duration. */
    public void run(RunResult result) {
        Counter.builder("patinox.executor.runs").description("Runs ended, by status")
                .tag("agent", result.agent()).tag("status", result.status().name()).register(registry).increment();
        timer("patinox.executor.run.duration", "Wall time of a run", result.agent(), "status", result.status().name())
                .record(Duration.between(result.startedAt(), result.occurredAt()));
    }

    private Timer timer(String name, String description, String agent, String tag, String value) {
        Timer.Builder b = Timer.builder(name).description(description).tag("agent", agent)
                .publishPercentiles(0.5, 0.95, 0.99);
        if (tag != null) {
            b.tag(tag, value);
        }
        return b.register(registry);
    }
}
