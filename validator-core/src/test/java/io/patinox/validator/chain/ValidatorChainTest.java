package io.patinox.validator.chain;

import static io.patinox.testkit.ValidationRequests.answer;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.FailMode;
import io.patinox.contracts.validation.Judgement;
import io.patinox.contracts.validation.Validator;
import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.validator.policy.Policy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ValidatorChainTest {

    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final ValidatorChain chain = new ValidatorChain(pool, OpenTelemetry.noop().getTracer("test"), meters);
    private final List<String> ran = new ArrayList<>();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    private Validator validator(String name, Function<ValidationRequest, Judgement> body) {
        return new Validator() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public Judgement validate(ValidationRequest request) {
                synchronized (ran) {
                    ran.add(name);
                }
                return body.apply(request);
            }
        };
    }

    private Policy policy(FailMode mode, Duration budget, Validator... validators) {
        return new Policy("test", mode, budget,
                Arrays.stream(validators).map(v -> new Policy.Step(v, Duration.ofMillis(300))).toList());
    }

    private Policy policy(Validator... validators) {
        return policy(FailMode.CLOSED, Duration.ofSeconds(2), validators);
    }

    @Test
    void combinedVerdictIsTheStrongestAndEveryFindingIsKept() {
        var result = chain.run(policy(
                validator("a", r -> Judgement.allow(0, "fine")),
                validator("d", r -> Judgement.divert("human-review", 0.9, "large")),
                validator("r", r -> Judgement.retry(0.5, "try again"))), answer("hello"));
        assertThat(result.verdict()).isEqualTo(new Verdict.Divert("human-review", "large"));
        assertThat(result.findings()).extracting(Finding::validator).containsExactly("a", "d", "r");
        assertThat(result.findings()).extracting(Finding::outcome)
                .containsExactly(Verdict.Kind.ALLOW, Verdict.Kind.DIVERT, Verdict.Kind.RETRY);
        assertThat(meters.find(ValidatorChain.LATENCY_METRIC).tag("validator", "d").timer().count()).isEqualTo(1);
    }

    @Test
    void stopsAtTheFirstBlock() {
        var result = chain.run(policy(
                validator("first", r -> Judgement.block(1, "no")),
                validator("second", r -> Judgement.allow(0, "fine"))), answer("hello"));
        assertThat(result.verdict()).isEqualTo(new Verdict.Block("no"));
        assertThat(result.findings()).hasSize(1);
        assertThat(ran).containsExactly("first");
    }

    @Test
    void laterValidatorsSeeModifiedActionsAndTheFinalModifyCarriesAllOfThem() {
        var result = chain.run(policy(
                validator("upper",
                        r -> Judgement.modify(new Action.FinalAnswer(r.action().text().toUpperCase()), 1, "shouted")),
                validator("suffix", r -> Judgement.modify(new Action.FinalAnswer(r.action().text() + "!"), 1, "excited"))),
                answer("hello"));
        var modify = (Verdict.Modify) result.verdict();
        assertThat(modify.action()).isEqualTo(new Action.FinalAnswer("HELLO!"));
        assertThat(modify.reason()).isEqualTo("upper: shouted; suffix: excited");
    }

    @Test
    void aThrowingValidatorBlocksWhenThePolicyFailsClosed() {
        var result = chain.run(policy(
                validator("broken", r -> {
                    throw new IllegalStateException("model file missing");
                }),
                validator("after", r -> Judgement.allow(0, "fine"))), answer("hello"));
        assertThat(result.verdict().kind()).isEqualTo(Verdict.Kind.BLOCK);
        assertThat(result.findings().get(0).reason())
                .isEqualTo("validator 'broken' failed: IllegalStateException: model file missing; the policy fails closed");
        assertThat(ran).containsExactly("broken");
    }

    @Test
    void aThrowingValidatorIsRecordedButAllowedWhenThePolicyFailsOpen() {
        var result = chain.run(policy(FailMode.OPEN, Duration.ofSeconds(2),
                validator("broken", r -> {
                    throw new IllegalStateException("boom");
                }),
                validator("after", r -> Judgement.allow(0, "fine"))), answer("hello"));
        assertThat(result.verdict()).isEqualTo(Verdict.allow());
        assertThat(result.findings()).extracting(Finding::reason)
                .containsExactly("validator 'broken' failed: IllegalStateException: boom; the policy fails open", "fine");
    }

    @Test
    void aSlowValidatorTimesOutWithoutHoldingTheChain() {
        long start = System.nanoTime();
        var result = chain.run(policy(validator("slow", r -> {
            try {
                Thread.sleep(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Judgement.allow(0, "late");
        })), answer("hello"));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(result.verdict().kind()).isEqualTo(Verdict.Kind.BLOCK);
        assertThat(result.findings().get(0).reason()).startsWith("validator 'slow' timed out after 300 ms");
    }

    @Test
    void aCheapValidatorRunsOnTheCallersThreadAndOverrunningItsLimitCountsAsFailed() {
        Validator slowCheap = new Validator() {
            @Override
            public String name() {
                return "cheap";
            }

            @Override
            public int cost() {
                return 10;
            }

            @Override
            public Judgement validate(ValidationRequest request) {
                synchronized (ran) {
                    ran.add(Thread.currentThread().getName());
                }
                try {
                    Thread.sleep(60);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return Judgement.allow(0, "fine");
            }
        };
        var policy = new Policy("test", FailMode.CLOSED, Duration.ofSeconds(2),
                List.of(new Policy.Step(slowCheap, Duration.ofMillis(20))));
        var result = chain.run(policy, answer("hello"));
        assertThat(ran).containsExactly(Thread.currentThread().getName());
        assertThat(result.verdict().kind()).isEqualTo(Verdict.Kind.BLOCK);
        assertThat(result.findings().get(0).reason()).startsWith("validator 'cheap' exceeded its time limit of 20 ms (took ");
    }

    @Test
    void validatorsNotReachedWithinTheBudgetCountAsFailed() {
        var result = chain.run(policy(FailMode.OPEN, Duration.ofMillis(50),
                validator("slowish", r -> {
                    try {
                        Thread.sleep(80);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return Judgement.allow(0, "done");
                }),
                validator("never", r -> Judgement.allow(0, "fine"))), answer("hello"));
        assertThat(result.findings()).extracting(Finding::reason).containsExactly(
                "validator 'slowish' was stopped when the policy's latency budget of 50 ms ran out; the policy fails open",
                "validator 'never' not run: the policy's latency budget of 50 ms was used up; the policy fails open");
        assertThat(result.verdict()).isEqualTo(Verdict.allow());
    }
}
