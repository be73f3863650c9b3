package io.patinox.validator.eval;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.Judgement;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.validator.builtin.BuiltInValidators;
import io.patinox.validator.config.Policy;
import io.patinox.validator.config.PolicyLoader;
import io.patinox.validator.service.ValidatorChain;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The evaluation command: {@code EvaluateValidators <labelled.jsonl> [config dir] [policy]} (defaults
 * {@code config}, {@code default}). Runs every validator of the policy on its own over every labelled step,
 * then the whole chain, and prints per line: TP, FP, FN, TN, precision, recall, false-positive rate and the
 * latency (mean, p50, p99 in microseconds). A validator "flags" a step when it asks for anything but Allow.
 * The file format is {@link LabelledStep}'s.
 */
public final class EvaluateValidators {

    private EvaluateValidators() {
    }

    /** Counts and latencies of one validator or the chain. */
    static final class Score {
        int tp, fp, fn, tn;
        final List<Long> micros = new ArrayList<>();

        void add(boolean flagged, boolean shouldFlag, long latencyMicros) {
            if (flagged && shouldFlag) tp++;
            else if (flagged) fp++;
            else if (shouldFlag) fn++;
            else tn++;
            micros.add(latencyMicros);
        }

        String row(String name) {
            long[] sorted = micros.stream().mapToLong(Long::longValue).sorted().toArray();
            return String.format(Locale.ROOT, "%-22s %4d %4d %4d %4d  %9.3f %6.3f %6.3f  %8.1f %7d %7d", name, tp, fp, fn,
                    tn, ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(fp, fp + tn),
                    Arrays.stream(sorted).average().orElse(0), percentile(sorted, 0.50), percentile(sorted, 0.99));
        }
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1) {
            System.err.println("usage: EvaluateValidators <labelled.jsonl> [config dir] [policy]");
            System.exit(2);
        }
        Path file = Path.of(args[0]);
        Path configDir = Path.of(args.length > 1 ? args[1] : "config");
        String policyName = args.length > 2 ? args[2] : "default";
        List<LabelledStep> steps = LabelledStep.read(file);
        Policy policy = new PolicyLoader(BuiltInValidators.factories(configDir), Duration.ofMillis(200))
                .loadAll(configDir).get(policyName);
        if (policy == null) {
            throw new IllegalArgumentException("no policy '" + policyName + "' in " + configDir);
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ValidatorChain chain = new ValidatorChain(pool, OpenTelemetry.noop().getTracer("eval"), new SimpleMeterRegistry());
        // Warm the JIT so the latencies are those of a running service, not of class loading.
        for (int i = 0; i < 3; i++) {
            for (LabelledStep step : steps) {
                chain.run(policy, step.toRequest(policyName));
            }
        }
        Map<String, Score> scores = new LinkedHashMap<>();
        Score chainScore = new Score();
        List<String> misses = new ArrayList<>();
        for (LabelledStep step : steps) {
            ValidationRequest request = step.toRequest(policyName);
            for (Policy.Step s : policy.steps()) {
                long t0 = System.nanoTime();
                boolean flagged;
                try {
                    Judgement j = s.validator().validate(request);
                    flagged = j.kind() != Verdict.Kind.ALLOW;
                } catch (RuntimeException e) {
                    flagged = true;
                }
                scores.computeIfAbsent(s.validator().name(), n -> new Score())
                        .add(flagged, step.shouldFlag(), (System.nanoTime() - t0) / 1_000);
            }
            var result = chain.run(policy, request);
            boolean flagged = result.verdict().kind() != Verdict.Kind.ALLOW;
            chainScore.add(flagged, step.shouldFlag(), result.latencyMicros());
            if (flagged != step.shouldFlag()) {
                misses.add((flagged ? "false positive " : "missed         ") + step.id());
            }
        }
        pool.shutdownNow();
        System.out.printf("%s: %d steps (%d to flag), policy %s%n", file, steps.size(),
                steps.stream().filter(LabelledStep::shouldFlag).count(), policyName);
        System.out.println("validator                TP   FP   FN   TN  precision recall    FPR   mean_us  p50_us  p99_us");
        scores.forEach((name, score) -> System.out.println(score.row(name)));
        System.out.println(chainScore.row("CHAIN"));
        misses.forEach(m -> System.out.println("  " + m));
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static long percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }
}
