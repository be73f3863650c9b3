package io.patinox.analyzer.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Finding;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;

/**
 * Prometheus metrics of the consumed telemetry (names in the README). Labels are bounded: agent, config version,
 * tool and validator through {@link BoundedLabels}, the rest are enums. Created at startup, so that the
 * dead-letter counters exist (at 0) before the first dead letter and alerts can tell "none" from "unknown".
 */
@Startup
@ApplicationScoped
public class TelemetryMetrics {

    private final MeterRegistry registry;
    private final BoundedLabels agents;
    private final BoundedLabels versions;
    private final BoundedLabels validators;
    private final BoundedLabels tools;

    @Inject
    public TelemetryMetrics(MeterRegistry registry, AnalyzerConfig config) {
        this(registry, config.metrics().maxLabelValues());
    }

    /** Metrics in {@code registry} with at most {@code max} values per bounded label (also outside CDI). */
    public TelemetryMetrics(MeterRegistry registry, int max) {
        this.registry = registry;
        this.agents = new BoundedLabels(max);
        this.versions = new BoundedLabels(max);
        this.validators = new BoundedLabels(max);
        this.tools = new BoundedLabels(max);
        for (String topic : List.of(Topics.STEPS, Topics.VALIDATION_REPLIES, Topics.RESULTS)) {
            deadLetters(topic);
        }
    }

    /** Counts one decoded event. */
    public void record(Event event) {
        if (event instanceof StepEvent s) {
            step(s);
        } else if (event instanceof ValidationReply r) {
            reply(r);
        } else if (event instanceof RunResult r) {
            Counter.builder("patinox.runs").description("Runs that ended, by final status")
                    .tags("agent", agents.bound(r.agent()), "config_version", versions.bound(r.configVersion()),
                            "status", Tally.lower(r.status()))
                    .register(registry).increment();
        }
    }

    private void step(StepEvent s) {
        String agent = agents.bound(s.agent());
        String version = versions.bound(s.configVersion());
        Counter.builder("patinox.steps").description("Steps taken or refused, by applied verdict and outcome")
                .tags("agent", agent, "config_version", version, "verdict", Tally.lower(s.verdict().kind()),
                        "outcome", Tally.lower(s.outcome()))
                .register(registry).increment();
        Timer.builder("patinox.validation.latency")
                .description("Verdict round trip seen by the executor, by verdict source")
                .tags("agent", agent, "config_version", version, "source", Tally.lower(s.verdictSource()))
                .publishPercentileHistogram().register(registry)
                .record(Duration.ofNanos(s.validationLatencyMicros() * 1000));
        Timer.builder("patinox.model.latency").description("Model time per step")
                .tags("agent", agent, "config_version", version)
                .publishPercentileHistogram().register(registry)
                .record(Duration.ofNanos(s.modelLatencyMicros() * 1000));
        Counter.builder("patinox.tokens").description("Model tokens, by direction")
                .tags("agent", agent, "config_version", version, "direction", "input")
                .register(registry).increment(s.usage().inputTokens());
        Counter.builder("patinox.tokens").description("Model tokens, by direction")
                .tags("agent", agent, "config_version", version, "direction", "output")
                .register(registry).increment(s.usage().outputTokens());
        Counter.builder("patinox.cost.usd").description("Estimated model cost in US dollars")
                .tags("agent", agent, "config_version", version)
                .register(registry).increment(s.usage().costUsd());
        if (s.action() instanceof Action.ToolCall call) {
            String tool = tools.bound(call.tool());
            Counter.builder("patinox.tool.calls").description("Steps that called a tool, by outcome")
                    .tags("agent", agent, "config_version", version, "tool", tool, "outcome", Tally.lower(s.outcome()))
                    .register(registry).increment();
            if (s.outcome() == StepOutcome.EXECUTED || s.outcome() == StepOutcome.FAILED) {
                Timer.builder("patinox.tool.latency").description("Time a tool call took, where the tool ran")
                        .tags("agent", agent, "tool", tool)
                        .publishPercentileHistogram().register(registry)
                        .record(Duration.ofNanos(s.executionLatencyMicros() * 1000));
            }
        }
    }

    private void reply(ValidationReply r) {
        for (Finding f : r.findings()) {
            String validator = validators.bound(f.validator());
            Counter.builder("patinox.validator.findings").description("Findings of each validator, by outcome")
                    .tags("validator", validator, "outcome", Tally.lower(f.outcome()))
                    .register(registry).increment();
            Timer.builder("patinox.validator.check.latency").description("Time each validator took per step")
                    .tags("validator", validator)
                    .publishPercentileHistogram().register(registry)
                    .record(Duration.ofNanos(f.latencyMicros() * 1000));
        }
        Timer.builder("patinox.validator.latency").description("Time spent in the validator service per request")
                .tags("agent", agents.bound(r.agent()))
                .publishPercentileHistogram().register(registry)
                .record(Duration.ofNanos(r.latencyMicros() * 1000));
    }

    /** Counts a record dropped because the same event was already counted. */
    public void duplicate(String sourceTopic) {
        Counter.builder("patinox.duplicates").description("Records dropped because the same event was already counted")
                .tags("topic", sourceTopic).register(registry).increment();
    }

    /** Counts one record parked in a dead-letter topic. */
    public void deadLettered(String sourceTopic) {
        deadLetters(sourceTopic).increment();
    }

    private Counter deadLetters(String sourceTopic) {
        return Counter.builder("patinox.dead.letters").description("Records refused and parked in a dead-letter topic")
                .tags("topic", sourceTopic).register(registry);
    }
}
