package io.patinox.evolution.replay;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.patinox.contracts.validation.ValidatorFactory;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.validator.builtin.BuiltInValidators;
import io.patinox.validator.builtin.UnavailableType;
import io.patinox.validator.chain.ValidatorChain;
import io.patinox.validator.policy.Policy;
import io.patinox.validator.policy.PolicyLoader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replays steps through the validator's own chain ({@link PolicyLoader}, {@link ValidatorChain},
 * {@link BuiltInValidators}, from {@code validator-core}) under the config in force and under a proposed config, and reports
 * every verdict that differs. Model files are read relative to each config directory, as the validator does.
 * A validator whose type needs a library evolution does not ship ({@code attack-similarity}: the embedding model and
 * Lance) is not run on either side ({@link NotReplayed}): the report names it, and refuses a proposal that adds,
 * removes or changes it (docs/adr/0017-evolution-replays-without-embeddings.md).
 */
public final class ReplayEvaluator implements AutoCloseable {

    private static final Pattern POLICY = Pattern.compile("(?m)^policy:\\s*['\"]?([\\w.-]+)['\"]?\\s*$");

    private final Duration defaultTimeout;
    private final List<String> attackFiles;
    private final List<String> goodFiles;
    private final List<String> labelledFiles;
    private final ExecutorService workers = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "replay-validator");
        t.setDaemon(true);
        return t;
    });
    private final ValidatorChain chain = new ValidatorChain(workers, OpenTelemetry.noop().getTracer("replay"),
            new SimpleMeterRegistry());

    public ReplayEvaluator(Duration defaultTimeout, List<String> attackFiles, List<String> goodFiles,
            List<String> labelledFiles) {
        this.defaultTimeout = defaultTimeout;
        this.attackFiles = List.copyOf(attackFiles);
        this.goodFiles = List.copyOf(goodFiles);
        this.labelledFiles = List.copyOf(labelledFiles);
    }

    /** The policy an agent's file names ({@code default} when it names none). */
    public static String policyOf(Path configDir, String agent) {
        Path file = configDir.resolve("agents/" + agent + ".yaml");
        try {
            if (!Files.isRegularFile(file)) {
                return "default";
            }
            Matcher m = POLICY.matcher(Files.readString(file));
            return m.find() ? m.group(1) : "default";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replays {@code recorded} plus the known sets of both config directories under {@code current} and
     * {@code proposed}.
     *
     * @param recorded builds the recorded examples for a policy name
     */
    public ReplayReport evaluate(String agent, Path current, Path proposed,
            java.util.function.Function<String, List<ReplayExample>> recorded) {
        String currentPolicyName = policyOf(current, agent);
        String proposedPolicyName = policyOf(proposed, agent);
        Policy before = load(current, currentPolicyName)
                .orElseThrow(() -> new IllegalStateException("the config in force has no policy " + currentPolicyName));
        Policy after;
        try {
            after = load(proposed, proposedPolicyName).orElse(null);
        } catch (RuntimeException e) {
            return new ReplayReport(proposedPolicyName, 0, 0, 0, 0, List.of(), List.of(), e.getMessage());
        }
        if (after == null) {
            return new ReplayReport(proposedPolicyName, 0, 0, 0, 0, List.of(), List.of(),
                    "no policy '" + proposedPolicyName + "'");
        }
        List<ReplayExample> recordedExamples = recorded.apply(proposedPolicyName);
        Map<String, ReplayExample> examples = new LinkedHashMap<>();
        for (ReplayExample e : recordedExamples) {
            examples.putIfAbsent(e.id(), e);
        }
        for (Path dir : List.of(proposed, current)) {
            for (ReplayExample e : KnownExamples.read(dir, agent, proposedPolicyName, attackFiles, goodFiles,
                    labelledFiles)) {
                examples.putIfAbsent(e.id(), e);
            }
        }
        List<ReplayReport.Flip> flips = new ArrayList<>();
        int attacks = 0;
        for (ReplayExample example : examples.values()) {
            if (example.set() == ReplayExample.Set.ATTACK) {
                attacks++;
            }
            Verdict.Kind was = kind(before, example);
            Verdict.Kind now = kind(after, example);
            if (was != now) {
                // Validators run under time limits: judge a flip again before reporting it, so that a pause of
                // this JVM is not mistaken for a change of the config.
                was = kind(before, example);
                now = kind(after, example);
            }
            if (was != now) {
                flips.add(new ReplayReport.Flip(example.id(), example.set(), was, now, example.original()));
            }
        }
        int recordedAttacks = (int) recordedExamples.stream().filter(e -> e.set() == ReplayExample.Set.ATTACK).count();
        return new ReplayReport(proposedPolicyName, attacks, examples.size() - attacks, recordedExamples.size(),
                recordedAttacks, List.copyOf(flips), skipped(before, after), null);
    }

    private Verdict.Kind kind(Policy policy, ReplayExample example) {
        var request = example.request();
        if (!request.policy().equals(policy.name())) {
            request = new io.patinox.contracts.events.ValidationRequest(request.schemaVersion(), request.requestId(),
                    request.taskId(), request.runId(), request.stepIndex(), request.agent(), request.configVersion(),
                    policy.name(), request.action(), request.context(), request.occurredAt());
        }
        return chain.run(policy, request).verdict().kind();
    }

    /**
     * The validators of either policy this replay does not run, by name, and how the proposal changes each: added,
     * removed, other parameters or files, another time limit, or another fail mode or latency budget of the policy
     * (which decide what its time-outs amount to).
     */
    static List<ReplayReport.Skipped> skipped(Policy before, Policy after) {
        Map<String, Policy.Step> was = notReplayed(before);
        Map<String, Policy.Step> now = notReplayed(after);
        SortedSet<String> names = new TreeSet<>(was.keySet());
        names.addAll(now.keySet());
        List<ReplayReport.Skipped> skipped = new ArrayList<>();
        for (String name : names) {
            Policy.Step b = was.get(name);
            Policy.Step a = now.get(name);
            NotReplayed v = (NotReplayed) (b != null ? b : a).validator();
            String change = null;
            if (b == null) {
                change = "added by the proposal";
            } else if (a == null) {
                change = "removed by the proposal";
            } else if (!declaration(b).equals(declaration(a))) {
                change = "its parameters or the files they name change";
            } else if (!b.timeout().equals(a.timeout())) {
                change = "its time limit changes";
            } else if (before.failMode() != after.failMode() || !before.latencyBudget().equals(after.latencyBudget())) {
                change = "the policy's fail mode or latency budget changes";
            }
            skipped.add(new ReplayReport.Skipped(name, v.type(), v.missing(), change));
        }
        return List.copyOf(skipped);
    }

    private static Map<String, Policy.Step> notReplayed(Policy policy) {
        Map<String, Policy.Step> steps = new LinkedHashMap<>();
        for (Policy.Step step : policy.steps()) {
            if (step.validator() instanceof NotReplayed) {
                steps.put(step.validator().name(), step);
            }
        }
        return steps;
    }

    private static String declaration(Policy.Step step) {
        NotReplayed v = (NotReplayed) step.validator();
        return v.type() + " " + v.declaration();
    }

    private Optional<Policy> load(Path configDir, String policy) {
        Path file = configDir.resolve("policies/" + policy + ".yaml");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        // Only the agent's policy: another one may name validators this replay does not run.
        return Optional.of(new PolicyLoader(factories(configDir), defaultTimeout).load(file));
    }

    /**
     * The validator's factories, those of types that cannot run here (their library is not part of evolution)
     * replaced by {@link NotReplayed}'s.
     */
    static List<ValidatorFactory> factories(Path configDir) {
        return BuiltInValidators.factories(configDir).stream()
                .map(f -> f instanceof UnavailableType u ? new NotReplayed.Factory(u, configDir) : f).toList();
    }

    @Override
    public void close() {
        workers.shutdownNow();
    }
}
