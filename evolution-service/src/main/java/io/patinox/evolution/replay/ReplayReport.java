package io.patinox.evolution.replay;

import io.patinox.contracts.verdict.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * What replaying a proposal showed: how many examples of each set ran, every example whose verdict differs
 * between the config in force and the proposed one, and the validators the replay could not run.
 *
 * @param policy the agent's policy under the proposed config
 * @param attacks known attacks replayed
 * @param good known-good steps replayed
 * @param recorded of them, recorded steps of the agent
 * @param recordedAttacks of the recorded steps, those blocked in production (known attacks)
 * @param flips the examples whose verdict changed
 * @param skipped the validators of the agent's policy (under either config) that the replay did not run
 * @param invalid why the proposed config could not be loaded, or null
 */
public record ReplayReport(String policy, int attacks, int good, int recorded, int recordedAttacks, List<Flip> flips,
        List<Skipped> skipped, String invalid) {

    /** Where the evidence points a reader for why a validator is not replayed. */
    static final String WHY_SKIPPED = "docs/adr/0017-evolution-replays-without-embeddings.md";

    /** Most flips listed in the evidence. */
    static final int LISTED = 20;

    /**
     * One changed verdict.
     *
     * @param id the example (no quoted content for recorded steps)
     * @param set its known set
     * @param before its verdict under the config in force
     * @param after its verdict under the proposed config
     * @param original the verdict it got in production, or null
     */
    public record Flip(String id, ReplayExample.Set set, Verdict.Kind before, Verdict.Kind after,
            Verdict.Kind original) {

        /** A known attack the proposal would let through. */
        public boolean letsAttackThrough() {
            return set == ReplayExample.Set.ATTACK && !ReplayExample.through(before) && ReplayExample.through(after);
        }

        /** A known-good step the proposal would stop. */
        public boolean stopsGoodStep() {
            return set == ReplayExample.Set.GOOD && ReplayExample.through(before) && !ReplayExample.through(after);
        }

        String line() {
            return String.format(Locale.ROOT, "%s %s: %s -> %s%s", set.name().toLowerCase(Locale.ROOT), id,
                    name(before), name(after), original == null ? "" : " (production: " + name(original) + ")");
        }
    }

    /**
     * A validator the replay did not run, on either side: its type needs a library evolution does not ship. It allowed
     * every example, so the verdicts compared are the other validators'.
     *
     * @param name its name in the policy
     * @param type its type
     * @param missing what evolution lacks to run it
     * @param change how the proposal changes it (then the replay cannot vouch for the proposal and refuses it), or
     *        null when it is the same under both configs
     */
    public record Skipped(String name, String type, String missing, String change) {

        String line() {
            return name + " (" + type + "): " + (change == null
                    ? "the same under both configs, not run on either side (it needs " + missing
                            + "; " + WHY_SKIPPED + "); the verdicts compared are the other validators'"
                    : change + ", and the replay cannot run it (it needs " + missing + "; " + WHY_SKIPPED
                            + "): measure it with the validator's evaluation command (./patinox eval) instead");
        }
    }

    /** The validators not replayed that the proposal changes. */
    public List<Skipped> changedButNotReplayed() {
        return skipped.stream().filter(s -> s.change() != null).toList();
    }

    /** Known attacks let through. */
    public List<Flip> attacksLetThrough() {
        return flips.stream().filter(Flip::letsAttackThrough).toList();
    }

    /** Known-good steps stopped. */
    public List<Flip> goodStepsStopped() {
        return flips.stream().filter(Flip::stopsGoodStep).toList();
    }

    /** Whether the proposal may be opened. */
    public boolean passed() {
        return invalid == null && attacksLetThrough().isEmpty() && goodStepsStopped().isEmpty()
                && changedButNotReplayed().isEmpty();
    }

    /** Why it may not, or null. */
    public String refusal() {
        if (invalid != null) {
            return "the proposed config does not load: " + invalid;
        }
        if (passed()) {
            return null;
        }
        List<String> why = new ArrayList<>();
        if (!attacksLetThrough().isEmpty() || !goodStepsStopped().isEmpty()) {
            why.add(String.format(Locale.ROOT, "it would let %d known attack(s) through and stop %d known-good step(s)",
                    attacksLetThrough().size(), goodStepsStopped().size()));
        }
        if (!changedButNotReplayed().isEmpty()) {
            why.add("it changes validator(s) the replay cannot run: " + changedButNotReplayed().stream()
                    .map(s -> s.name() + " (" + s.change() + ")").collect(Collectors.joining(", ")));
        }
        return String.join("; ", why);
    }

    /** The report as evidence entries. */
    public Map<String, String> evidence() {
        Map<String, String> e = new LinkedHashMap<>();
        e.put("replay", String.format(Locale.ROOT, "%d examples with policy %s (%d known attacks, %d known-good; "
                + "%d recorded steps): %d verdict(s) flipped, %d attack(s) let through, %d good step(s) stopped",
                attacks + good, policy, attacks, good, recorded, flips.size(), attacksLetThrough().size(),
                goodStepsStopped().size()));
        e.put("replayResult", passed() ? "passed" : "refused: " + refusal());
        e.put("replayTable", table());
        if (!skipped.isEmpty()) {
            e.put("replaySkipped", skipped.stream().map(Skipped::line).collect(Collectors.joining("\n")));
        }
        if (!flips.isEmpty()) {
            e.put("replayFlips", flips.stream().limit(LISTED).map(Flip::line).collect(Collectors.joining("\n"))
                    + (flips.size() > LISTED ? "\n... " + (flips.size() - LISTED) + " more" : ""));
        }
        return e;
    }

    /**
     * The evidence table a reviewer reads in the commit message and the pull request body (Markdown): per known set,
     * how many examples ran, how many of them are the agent's recorded steps, how many verdicts flipped, and how
     * many flipped the wrong way (known attacks let through, known-good steps blocked).
     */
    public String table() {
        long attackFlips = flips.stream().filter(f -> f.set() == ReplayExample.Set.ATTACK).count();
        long goodFlips = flips.size() - attackFlips;
        return String.join("\n",
                "| replay under policy " + policy + " | known attacks | known-good steps |",
                "| --- | ---: | ---: |",
                row("replayed (corpora and recorded)", attacks, good),
                row("of them the agent's recorded steps", recordedAttacks, recorded - recordedAttacks),
                row("verdicts flipped", attackFlips, goodFlips),
                row("let through / blocked (refuses)", attacksLetThrough().size(), goodStepsStopped().size()));
    }

    private static String row(String label, long attacks, long good) {
        return "| " + label + " | " + attacks + " | " + good + " |";
    }

    private static String name(Verdict.Kind kind) {
        return kind.name().toLowerCase(Locale.ROOT);
    }
}
