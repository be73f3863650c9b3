package io.patinox.validator.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.validator.chain.ChainResult;
import io.patinox.validator.chain.ValidatorChain;
import io.patinox.validator.config.PolicyRegistry;
import io.patinox.validator.config.ValidatorConfig;
import io.patinox.validator.policy.Policy;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Answers one validation request with the chain of the policy it names. */
@ApplicationScoped
public class ValidationService {

    /** Counter of verdicts, tags {@code policy} and {@code verdict}; Prometheus: {@code patinox_validator_verdicts_total}. */
    public static final String VERDICTS_METRIC = "patinox_validator_verdicts";

    /** The validator name of the finding that refuses a request for an unknown policy. */
    public static final String POLICY_FINDING = "policy";

    private final PolicyRegistry registry;
    private final MeterRegistry meters;
    private final ExecutorService workers;
    private final ValidatorChain chain;
    private final Clock clock;

    ValidationService(PolicyRegistry registry, ValidatorConfig config, Tracer tracer, MeterRegistry meters,
            Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.meters = meters;
        this.workers = Executors.newFixedThreadPool(config.workerThreads(), daemonThreads());
        this.chain = new ValidatorChain(workers, tracer, meters);
    }

    /** The reply to {@code request}: the policy's verdict, every finding and the config version. */
    @WithSpan("ValidationService.validate")
    public ValidationReply validate(ValidationRequest request) {
        long start = System.nanoTime();
        PolicyRegistry.Snapshot snapshot = registry.current();
        Optional<Policy> policy = Optional.ofNullable(snapshot.policies().get(request.policy()));
        Verdict verdict;
        List<Finding> findings;
        if (policy.isEmpty()) {
            String reason = "unknown policy '" + request.policy() + "' (known: " + snapshot.policies().keySet() + ")";
            verdict = new Verdict.Block(reason);
            findings = List.of(new Finding(POLICY_FINDING, Verdict.Kind.BLOCK, 1, reason, 0));
        } else {
            ChainResult result = chain.run(policy.get(), request);
            verdict = result.verdict();
            findings = result.findings();
        }
        Counter.builder(VERDICTS_METRIC)
                .description("Verdicts given, by policy and verdict")
                .tag("policy", policy.isPresent() ? request.policy() : "unknown")
                .tag("verdict", verdict.kind().name().toLowerCase(Locale.ROOT))
                .register(meters)
                .increment();
        return ValidationReply.answering(request, snapshot.configVersion(), verdict, findings,
                (System.nanoTime() - start) / 1_000, clock.instant());
    }

    @PreDestroy
    void stop() {
        workers.shutdownNow();
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "validator-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
