package io.patinox.validator.eval;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.Judgement;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.detection.eval.Metrics;
import io.patinox.validator.chain.ValidatorChain;
import io.patinox.validator.policy.Policy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The evaluation command: {@code EvaluateValidators <labelled.jsonl> [config dir] [policy]} or with options
 * {@code --config DIR} (default {@code config}), {@code --policy NAME} (default {@code default}), {@code --misses}
 * (list the steps the chain gets wrong). The file format is {@link LabelledStep}'s.
 * <p>
 * Runs every validator of the policy on its own over every step, then the whole chain, and prints per validator
 * and for the chain: TP, FP, FN, TN, precision, recall and false-positive rate at the policy's operating point
 * (a step is flagged when it gets anything but Allow), recall at 1 % and 2 % false-positive rate and ROC AUC from
 * the scores (a validator's judgement score, 1 when it flags without one; the chain's score is the highest of its
 * validators'), and latency p50/p99. Then the chain's false-positive rate per benign category and recall per attack
 * source, when the file names them. The embedding cache is off (every embedding is computed), so latencies are
 * those of unseen text. The last line is one JSON object for the chain: {@code recall}, {@code fpr},
 * {@code recall_at_fpr_1pct}, {@code recall_at_fpr_2pct}, {@code auc}, {@code p50_ms}, {@code p99_ms}, the counts,
 * and {@code fpr_roleplay} (categories {@code roleplay} and {@code persona-system-prompt}) when present.
 */
public final class EvaluateValidators {

    /** Benign categories that are role-play or persona prompts (reported together as {@code fpr_roleplay}). */
    static final java.util.Set<String> ROLE_PLAY = java.util.Set.of("roleplay", "persona-system-prompt");

    private EvaluateValidators() {
    }

    /** Decisions, scores and latencies of one validator or the chain. */
    static final class Score {
        int tp, fp, fn, tn;
        final List<Double> attackScores = new ArrayList<>();
        final List<Double> benignScores = new ArrayList<>();
        final List<Long> micros = new ArrayList<>();

        void add(boolean flagged, boolean shouldFlag, double score, long latencyMicros) {
            if (flagged && shouldFlag)
                tp++;
            else if (flagged)
                fp++;
            else if (shouldFlag)
                fn++;
            else
                tn++;
            (shouldFlag ? attackScores : benignScores).add(score);
            micros.add(latencyMicros);
        }

        double[] attacks() {
            return attackScores.stream().mapToDouble(Double::doubleValue).toArray();
        }

        double[] benign() {
            return benignScores.stream().mapToDouble(Double::doubleValue).toArray();
        }

        double recall() {
            return ratio(tp, tp + fn);
        }

        double fpr() {
            return ratio(fp, fp + tn);
        }

        double latencyMs(double p) {
            return Metrics.percentile(micros.stream().mapToDouble(Long::doubleValue).toArray(), p) / 1000.0;
        }

        String row(String name) {
            return String.format(Locale.ROOT, "%-22s %5d %5d %5d %5d  %9.3f %6.3f %6.3f  %6.3f %6.3f %6.4f  %7.3f %7.3f",
                    name, tp, fp, fn, tn, ratio(tp, tp + fp), recall(), fpr(),
                    Metrics.recallAtFpr(attacks(), benign(), 0.01), Metrics.recallAtFpr(attacks(), benign(), 0.02),
                    Metrics.auc(attacks(), benign()), latencyMs(0.50), latencyMs(0.99));
        }
    }

    public static void main(String[] args) throws Exception {
        List<String> positional = new ArrayList<>();
        String configArg = null, policyArg = null;
        boolean misses = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> configArg = args[++i];
                case "--policy" -> policyArg = args[++i];
                case "--misses" -> misses = true;
                default -> positional.add(args[i]);
            }
        }
        if (positional.isEmpty()) {
            System.err.println(
                    "usage: EvaluateValidators <labelled.jsonl> [config dir] [policy] [--config DIR] [--policy NAME] [--misses]");
            System.exit(2);
        }
        Path file = Path.of(positional.get(0));
        Path configDir = Path.of(configArg != null ? configArg : positional.size() > 1 ? positional.get(1) : "config");
        String policyName = policyArg != null ? policyArg : positional.size() > 2 ? positional.get(2) : "default";
        List<LabelledStep> steps = LabelledStep.read(file);
        Policy policy = MeasuredPolicy.load(configDir, policyName);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ValidatorChain chain = new ValidatorChain(pool, OpenTelemetry.noop().getTracer("eval"), new SimpleMeterRegistry());
        // Warm the JIT so the latencies are those of a running service, not of class loading.
        List<LabelledStep> warm = steps.subList(0, Math.min(steps.size(), 300));
        for (int i = 0; i < 3; i++) {
            for (LabelledStep step : warm) {
                ValidationRequest request = step.toRequest(policyName);
                chain.run(policy, request);
                for (Policy.Step s : policy.steps()) {
                    try {
                        s.validator().validate(request);
                    } catch (RuntimeException e) {
                        // counted as flagged below
                    }
                }
            }
        }
        Map<String, Score> scores = new LinkedHashMap<>();
        Score chainScore = new Score();
        Map<String, int[]> benignByCategory = new TreeMap<>();
        Map<String, int[]> attacksBySource = new TreeMap<>();
        List<String> wrong = new ArrayList<>();
        for (LabelledStep step : steps) {
            ValidationRequest request = step.toRequest(policyName);
            double chainMax = 0;
            for (Policy.Step s : policy.steps()) {
                long t0 = System.nanoTime();
                boolean flagged;
                double score;
                try {
                    Judgement j = s.validator().validate(request);
                    flagged = j.kind() != Verdict.Kind.ALLOW;
                    score = flagged && j.score() == 0 ? 1 : j.score();
                } catch (RuntimeException e) {
                    flagged = true;
                    score = 1;
                }
                long micros = (System.nanoTime() - t0) / 1_000;
                scores.computeIfAbsent(s.validator().name(), n -> new Score()).add(flagged, step.shouldFlag(), score, micros);
                chainMax = Math.max(chainMax, score);
            }
            var result = chain.run(policy, request);
            boolean flagged = result.verdict().kind() != Verdict.Kind.ALLOW;
            chainScore.add(flagged, step.shouldFlag(), chainMax, result.latencyMicros());
            if (step.shouldFlag()) {
                int[] c = attacksBySource.computeIfAbsent(step.source() == null ? "-" : step.source(), k -> new int[2]);
                c[0] += flagged ? 1 : 0;
                c[1]++;
            } else {
                int[] c = benignByCategory.computeIfAbsent(step.category() == null ? "-" : step.category(), k -> new int[2]);
                c[0] += flagged ? 1 : 0;
                c[1]++;
            }
            if (flagged != step.shouldFlag()) {
                wrong.add((flagged ? "false positive " : "missed         ") + step.id());
            }
        }
        pool.shutdownNow();
        long attacks = steps.stream().filter(LabelledStep::shouldFlag).count();
        System.out.printf("%s: %d steps (%d to flag), policy %s, config %s, embedding cache %s%n", file, steps.size(), attacks,
                policyName, configDir, "0".equals(System.getProperty("patinox.validator.embedding-cache")) ? "off" : "on");
        System.out.println(
                "validator                 TP    FP    FN    TN  precision recall    FPR  r@1%FPR r@2%FPR    AUC   p50_ms  p99_ms");
        scores.forEach((name, score) -> System.out.println(score.row(name)));
        System.out.println(chainScore.row("CHAIN"));
        if (benignByCategory.size() > 1 || !benignByCategory.containsKey("-")) {
            System.out.println("chain false positives by benign category:");
            benignByCategory.forEach((c, n) -> System.out.printf(Locale.ROOT, "  %-28s %4d / %4d  FPR %.3f%n", c, n[0], n[1],
                    ratio(n[0], n[1])));
        }
        if (attacksBySource.size() > 1 || !attacksBySource.containsKey("-")) {
            System.out.println("chain recall by attack source:");
            attacksBySource.forEach((s, n) -> System.out.printf(Locale.ROOT, "  %-36s %4d / %4d  recall %.3f%n", s, n[0], n[1],
                    ratio(n[0], n[1])));
        }
        if (misses) {
            wrong.forEach(m -> System.out.println("  " + m));
        }
        Map<String, Object> last = new LinkedHashMap<>();
        last.put("policy", policyName);
        last.put("steps", steps.size());
        last.put("attacks", attacks);
        last.put("benign", steps.size() - attacks);
        last.put("recall", round(chainScore.recall()));
        last.put("fpr", round(chainScore.fpr()));
        last.put("recall_at_fpr_1pct", round(Metrics.recallAtFpr(chainScore.attacks(), chainScore.benign(), 0.01)));
        last.put("recall_at_fpr_2pct", round(Metrics.recallAtFpr(chainScore.attacks(), chainScore.benign(), 0.02)));
        last.put("auc", round(Metrics.auc(chainScore.attacks(), chainScore.benign())));
        last.put("p50_ms", round(chainScore.latencyMs(0.50)));
        last.put("p99_ms", round(chainScore.latencyMs(0.99)));
        int[] roleplay = new int[2];
        benignByCategory.forEach((c, n) -> {
            if (ROLE_PLAY.contains(c)) {
                roleplay[0] += n[0];
                roleplay[1] += n[1];
            }
        });
        if (roleplay[1] > 0) {
            last.put("fpr_roleplay", round(ratio(roleplay[0], roleplay[1])));
            last.put("roleplay", roleplay[1]);
        }
        System.out.println(io.patinox.contracts.json.Json.encodeToString(last));
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }

    private static double round(double v) {
        return Double.isNaN(v) ? v : Math.round(v * 10_000) / 10_000.0;
    }
}
