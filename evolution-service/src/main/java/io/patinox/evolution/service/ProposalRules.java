package io.patinox.evolution.service;

import io.patinox.contracts.events.FailureCluster;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.ai.InstructionDrafter;
import io.patinox.evolution.config.EvolutionConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule-based proposal generator. From a total aggregate: too many verdicts from the fail mode (the validator
 * did not answer within the agent's step deadline) → raise the deadline. From a clusters aggregate: a cluster of
 * blocked attacks large enough → add its exemplars to the known-attack corpus the classifier trains on; a cluster
 * of steps sent back to the model ({@code retried}) → the instruction drafter revises the agent's instructions.
 * Pure: reads the current files through {@code read} and returns drafts.
 */
public final class ProposalRules {

    /** How the analyzer starts the exemplar of a blocked step. */
    static final String BLOCKED = "blocked: ";
    /** How the analyzer starts the exemplar of a step sent back to the model. */
    static final String RETRIED = "retried: ";

    /** The agent file's {@code stepDeadline} line, in any form the executor reads (300, 300ms, 2s, 1m, PT2S). */
    private static final Pattern DEADLINE = Pattern.compile("(?m)^stepDeadline:\\s*[\"']?([^\"'\\s#]+)[\"']?[ \\t]*(#.*)?$");
    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)(ms|s|m)?");
    /** The executor's step deadline when the file names none. */
    private static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(2);

    private static final Pattern INSTRUCTIONS = Pattern.compile(
            "(?m)^instructions:[ \\t]*\\|[-+]?[ \\t]*\\n((?:[ \\t]+[^\\n]*\\n|[ \\t]*\\n)*)");

    private final EvolutionConfig.Rules rules;
    private final InstructionDrafter drafter;

    public ProposalRules(EvolutionConfig.Rules rules, InstructionDrafter drafter) {
        this.rules = rules;
        this.drafter = drafter;
    }

    /** Drafts for one aggregate; {@code read} gives a config file's current content by relative path. */
    public List<Draft> draft(TelemetryAggregate a, Function<String, Optional<String>> read) {
        if (!TelemetryAggregate.TOTAL.equals(a.window())) {
            return List.of();
        }
        List<Draft> drafts = new ArrayList<>();
        if (a.subject().endsWith("|clusters")) {
            knownAttacks(a, read).ifPresent(drafts::add);
            reviseInstructions(a, read).ifPresent(drafts::add);
        } else if (a.tool() == null && a.validator() == null) {
            // The deadline is the agent's: judged on the agent's own totals, not once more per tool or validator.
            raiseDeadline(a, read).ifPresent(drafts::add);
        }
        return drafts;
    }

    private Optional<Draft> raiseDeadline(TelemetryAggregate a, Function<String, Optional<String>> read) {
        if (a.steps() < rules.minSteps() || a.timeouts() < rules.timeoutRate() * a.steps()) {
            return Optional.empty();
        }
        String path = "agents/" + a.agent() + ".yaml";
        Optional<String> yaml = read.apply(path);
        if (yaml.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = DEADLINE.matcher(yaml.get());
        boolean written = m.find();
        Duration current;
        try {
            current = written ? deadline(m.group(1)) : DEFAULT_DEADLINE;
        } catch (RuntimeException e) {
            return Optional.empty(); // the executor refuses such a file anyway
        }
        Duration raised = current.multipliedBy(rules.deadlineFactor());
        if (raised.compareTo(rules.maxDeadline()) > 0) {
            raised = rules.maxDeadline();
        }
        if (raised.compareTo(current) <= 0) {
            return Optional.empty();
        }
        String value = raised.toMillis() % 1000 == 0 ? raised.toSeconds() + "s" : raised.toMillis() + "ms";
        String changed = written ? m.replaceFirst("stepDeadline: " + value)
                : yaml.get().stripTrailing() + "\nstepDeadline: " + value + "\n";
        String was = written ? m.group(1) : DEFAULT_DEADLINE.toSeconds() + "s (default)";
        double rate = (double) a.timeouts() / a.steps();
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("aggregate", a.subject());
        evidence.put("steps", Long.toString(a.steps()));
        evidence.put("timeouts", Long.toString(a.timeouts()));
        evidence.put("timeoutRate", String.format(Locale.ROOT, "%.3f", rate));
        evidence.put("threshold", Double.toString(rules.timeoutRate()));
        evidence.put("stepDeadline", current.toMillis() + "ms -> " + raised.toMillis() + "ms");
        if (a.latencies().containsKey("validation")) {
            evidence.put("validationP99Ms", Double.toString(a.latencies().get("validation").p99()));
        }
        String summary = String.format(Locale.ROOT, "Raise %s's step deadline from %s to %s: %.0f %% of %d steps "
                + "timed out waiting for a verdict at %s", a.agent(), was, value, rate * 100,
                a.steps(), a.configVersion());
        return Optional.of(new Draft("raise-deadline|" + a.agent() + "|" + a.configVersion() + "|" + value,
                "raise-deadline", a.agent(), a.configVersion(), summary, Map.of(path, changed), evidence));
    }

    /**
     * A {@code stepDeadline} value as the executor reads it: bare milliseconds, {@code ms}, {@code s}, {@code m} or ISO-8601.
     */
    static Duration deadline(String value) {
        Matcher m = SHORT_DURATION.matcher(value);
        if (!m.matches()) {
            return Duration.parse(value);
        }
        long n = Long.parseLong(m.group(1));
        return m.group(2) == null || m.group(2).equals("ms") ? Duration.ofMillis(n)
                : m.group(2).equals("s") ? Duration.ofSeconds(n) : Duration.ofMinutes(n);
    }

    /**
     * A cluster of steps the validator sent back ({@code retried}) large enough: the drafter revises the agent's
     * instructions from its exemplars.
     */
    private Optional<Draft> reviseInstructions(TelemetryAggregate a, Function<String, Optional<String>> read) {
        List<String> exemplars = new ArrayList<>();
        List<String> clusters = new ArrayList<>();
        for (FailureCluster cluster : retried(a, rules.minClusterSize())) {
            exemplars.addAll(cluster.exemplars());
            clusters.add(cluster.clusterId() + " (" + cluster.size() + ")");
        }
        String path = "agents/" + a.agent() + ".yaml";
        Optional<String> yaml = read.apply(path);
        if (exemplars.isEmpty() || yaml.isEmpty()) {
            return Optional.empty();
        }
        Matcher m = INSTRUCTIONS.matcher(yaml.get());
        if (!m.find() || m.group(1).isBlank()) {
            return Optional.empty();
        }
        String block = m.group(1);
        String firstLine = block.lines().filter(l -> !l.isBlank()).findFirst().orElse("  ");
        String indent = firstLine.substring(0, firstLine.length() - firstLine.stripLeading().length());
        String text = block.lines().map(l -> l.startsWith(indent) ? l.substring(indent.length()) : l.strip())
                .reduce("", (x, y) -> x + y + "\n").stripTrailing() + "\n";
        InstructionDrafter.Revision revision = drafter.revise(a.agent(), text, exemplars);
        if (revision.added().isEmpty()) {
            return Optional.empty();
        }
        StringBuilder revised = new StringBuilder();
        revision.instructions().lines().forEach(l -> revised.append(l.isEmpty() ? "" : indent + l).append('\n'));
        String trailing = block.substring(block.stripTrailing().length()).replaceFirst("^\n", "");
        String changed = yaml.get().substring(0, m.start(1)) + revised + trailing + yaml.get().substring(m.end(1));
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("aggregate", a.subject());
        evidence.put("clusters", String.join(", ", clusters));
        evidence.put("drafter", revision.drafter());
        evidence.put("added", String.join("\n", revision.added()));
        String summary = String.format(Locale.ROOT, "Revise %s's instructions from %d retried step exemplar(s) "
                + "(clusters %s)", a.agent(), exemplars.size(), String.join(", ", clusters));
        return Optional.of(new Draft("revise-instructions|" + a.agent() + "|" + String.join("\n", revision.added()),
                "revise-instructions", a.agent(), a.configVersion(), summary, Map.of(path, changed), evidence));
    }

    /** The clusters of steps the validator sent back ({@code retried}) with at least {@code minSize} steps. */
    static List<FailureCluster> retried(TelemetryAggregate a, long minSize) {
        return a.clusters().stream().filter(c -> c.size() >= minSize && !c.exemplars().isEmpty()
                && c.exemplars().stream().allMatch(e -> e.startsWith(RETRIED))).toList();
    }

    private Optional<Draft> knownAttacks(TelemetryAggregate a, Function<String, Optional<String>> read) {
        Optional<String> corpus = read.apply(rules.knownAttacks());
        if (corpus.isEmpty()) {
            return Optional.empty();
        }
        var known = new LinkedHashSet<>(corpus.get().lines().map(String::strip).toList());
        List<String> added = new ArrayList<>();
        List<String> clusters = new ArrayList<>();
        for (FailureCluster cluster : a.clusters()) {
            // Only clusters of blocked steps are attacks; failed tool calls and retries cluster too.
            if (cluster.size() < rules.minClusterSize() || cluster.exemplars().isEmpty()
                    || !cluster.exemplars().stream().allMatch(e -> e.startsWith(BLOCKED))) {
                continue;
            }
            boolean newOnes = false;
            for (String exemplar : cluster.exemplars()) {
                // Exemplars are "blocked: <why> | <what was proposed>": the attack is the last part.
                int bar = exemplar.indexOf(" | ");
                String attack = (bar < 0 ? exemplar : exemplar.substring(bar + 3)).strip();
                if (!attack.isEmpty() && known.add(attack)) {
                    added.add(attack);
                    newOnes = true;
                }
            }
            if (newOnes) {
                clusters.add(cluster.clusterId() + " (" + cluster.size() + ")");
            }
        }
        if (added.isEmpty()) {
            return Optional.empty();
        }
        String base = corpus.get().endsWith("\n") || corpus.get().isEmpty() ? corpus.get() : corpus.get() + "\n";
        String changed = base + String.join("\n", added) + "\n";
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("aggregate", a.subject());
        evidence.put("clusters", String.join(", ", clusters));
        evidence.put("added", String.join("\n", added));
        String summary = String.format(Locale.ROOT, "Add %d blocked attack exemplar(s) of %s to the known-attack "
                + "corpus (clusters %s)", added.size(), a.agent(), String.join(", ", clusters));
        return Optional.of(new Draft("add-known-attacks|" + a.agent() + "|" + String.join("\n", added),
                "add-known-attacks", a.agent(), a.configVersion(), summary, Map.of(rules.knownAttacks(), changed),
                evidence));
    }
}
