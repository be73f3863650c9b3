package io.patinox.validator.eval;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.Validator;
import io.patinox.detection.eval.Metrics;
import io.patinox.validator.chain.ValidatorChain;
import io.patinox.validator.ml.InjectionClassifier;
import io.patinox.validator.policy.Policy;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The in-process benchmark (not a test): {@code BenchmarkValidators <labelled.jsonl> [--config DIR] [--policy NAME]
 * [--rounds N]}. With the embedding cache off, it runs the policy's chain on every step of the file (after a
 * warm-up round), {@code rounds} times, and prints p50/p99 per step of the chain and of each validator alone; then
 * the injection classifier alone on the same texts and on 20,000-character inputs (held-out texts joined).
 * The last line is one JSON object: {@code chain_p50_ms}, {@code chain_p99_ms}, {@code classifier_p50_ms},
 * {@code classifier_p99_ms}, {@code classifier_20k_p50_ms}, {@code classifier_20k_p99_ms}.
 */
public final class BenchmarkValidators {

    private BenchmarkValidators() {
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        String config = "config", policyName = "default";
        int rounds = 3;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> config = args[++i];
                case "--policy" -> policyName = args[++i];
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> positional.add(args[i]);
            }
        }
        if (positional.size() != 1) {
            System.err.println("usage: BenchmarkValidators <labelled.jsonl> [--config DIR] [--policy NAME] [--rounds N]");
            System.exit(2);
        }
        Path configDir = Path.of(config);
        List<LabelledStep> steps = LabelledStep.read(Path.of(positional.get(0)));
        Policy policy = MeasuredPolicy.load(configDir, policyName);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ValidatorChain chain = new ValidatorChain(pool, OpenTelemetry.noop().getTracer("bench"), new SimpleMeterRegistry());
        List<ValidationRequest> requests = steps.stream().map(s -> s.toRequest("bench")).toList();
        for (ValidationRequest r : requests) {
            chain.run(policy, r);
        }
        List<Double> chainMs = new ArrayList<>();
        Map<String, List<Double>> perValidator = new LinkedHashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (ValidationRequest r : requests) {
                long t0 = System.nanoTime();
                chain.run(policy, r);
                chainMs.add((System.nanoTime() - t0) / 1e6);
                for (Policy.Step s : policy.steps()) {
                    long v0 = System.nanoTime();
                    try {
                        s.validator().validate(r);
                    } catch (RuntimeException e) {
                        // timed all the same
                    }
                    perValidator.computeIfAbsent(s.validator().name(), k -> new ArrayList<>())
                            .add((System.nanoTime() - v0) / 1e6);
                }
            }
        }
        pool.shutdownNow();
        Validator classifier = new InjectionClassifier.Factory(configDir).create("injection-classifier", Map.of());
        List<Double> classifierMs = time(classifier, requests, rounds);
        // 20,000-character inputs: held-out texts joined, a different slice each time.
        List<ValidationRequest> long20k = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        for (LabelledStep s : steps) {
            text.append(s.input()).append("\n\n");
            if (text.length() >= 20_000) {
                long20k.add(new ValidationRequest(ValidationRequest.SCHEMA_VERSION, "b" + long20k.size(), "t", "r", 0, "a",
                        "v", "bench", new Action.FinalAnswer("ok"),
                        new StepContext(text.substring(0, 20_000), List.of(), null, 0), Instant.now()));
                text.setLength(0);
            }
        }
        time(classifier, long20k, 1);
        List<Double> long20kMs = time(classifier, long20k, Math.max(rounds, 5));

        System.out.printf("%d steps x %d rounds, policy %s, config %s, embedding cache off; ms per step%n", requests.size(),
                rounds, policyName, configDir);
        System.out.println("                          p50      p99     mean");
        System.out.println(row("chain", chainMs));
        perValidator.forEach((name, ms) -> System.out.println(row("  " + name + " alone", ms)));
        System.out.println(row("classifier (input)", classifierMs));
        System.out.println(row("classifier (20k chars)", long20kMs) + "  (" + long20k.size() + " inputs)");
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("policy", policyName);
        last.put("steps", requests.size());
        last.put("chain_p50_ms", round(p(chainMs, 0.5)));
        last.put("chain_p99_ms", round(p(chainMs, 0.99)));
        last.put("classifier_p50_ms", round(p(classifierMs, 0.5)));
        last.put("classifier_p99_ms", round(p(classifierMs, 0.99)));
        last.put("classifier_20k_p50_ms", round(p(long20kMs, 0.5)));
        last.put("classifier_20k_p99_ms", round(p(long20kMs, 0.99)));
        System.out.println(io.patinox.contracts.json.Json.encodeToString(last));
    }

    private static List<Double> time(Validator v, List<ValidationRequest> requests, int rounds) {
        List<Double> ms = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
            for (ValidationRequest r : requests) {
                long t0 = System.nanoTime();
                v.validate(r);
                ms.add((System.nanoTime() - t0) / 1e6);
            }
        }
        return ms;
    }

    private static double p(List<Double> ms, double q) {
        return Metrics.percentile(ms.stream().mapToDouble(Double::doubleValue).toArray(), q);
    }

    private static String row(String name, List<Double> ms) {
        return String.format(Locale.ROOT, "%-24s %7.3f  %7.3f  %7.3f", name, p(ms, 0.5), p(ms, 0.99),
                ms.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}
