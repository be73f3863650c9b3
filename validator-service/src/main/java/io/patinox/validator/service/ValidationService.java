package io.patinox.validator.service;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.instrumentation.annotations.WithSpan;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.validator.ai.LlmJudge;
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
        return answer(request, false);
    }

    /**
     * The reply to one of the service's own warm-up requests (docs/adr/0021-warm-request-path.md): its policy's chain
     * without the LLM judges (their first call is a model call, not class loading), counted in no verdict metric. Only
     * the warm-up topic receives it.
     */
    @WithSpan("ValidationService.warmUp")
    public ValidationReply warmUp(ValidationRequest request) {
        if (registry.current().policies().containsKey(request.policy())) {
            // The policy's verdict counters exist from the start (at zero), so its first real verdict does not pay
            // for their registration and a rate over them is defined from the start.
            for (Verdict.Kind kind : Verdict.Kind.values()) {
                verdicts(request.policy(), kind);
            }
        }
        return answer(request, true);
    }

    private ValidationReply answer(ValidationRequest request, boolean warmUp) {
        long start = System.nanoTime();
        PolicyRegistry.Snapshot snapshot = registry.current();
        Optional<Policy> policy = Optional.ofNullable(snapshot.policies().get(request.policy()))
                .map(p -> warmUp ? withoutJudges(p) : p);
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
        if (warmUp) {
            return ValidationReply.answering(request, snapshot.configVersion(), verdict, findings,
                    (System.nanoTime() - start) / 1_000, clock.instant());
        }
        verdicts(policy.isPresent() ? request.policy() : "unknown", verdict.kind()).increment();
        return ValidationReply.answering(request, snapshot.configVersion(), verdict, findings,
                (System.nanoTime() - start) / 1_000, clock.instant());
    }

    private Counter verdicts(String policy, Verdict.Kind kind) {
        return Counter.builder(VERDICTS_METRIC)
                .description("Verdicts given, by policy and verdict")
                .tag("policy", policy)
                .tag("verdict", kind.name().toLowerCase(Locale.ROOT))
                .register(meters);
    }

    private static Policy withoutJudges(Policy policy) {
        return new Policy(policy.name(), policy.failMode(), policy.latencyBudget(),
                policy.steps().stream().filter(step -> !(step.validator() instanceof LlmJudge)).toList());
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
