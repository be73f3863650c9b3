package io.patinox.evolution.ai;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The offline drafter: deterministic, no model is called. For every distinct reason the validator gave when it
 * sent a step back ({@code retried: <why> | ...}) that the instructions do not mention yet, it adds one line of
 * guidance. It stands where a model-based drafter (quarkus-langchain4j, as the executor uses for agents) would,
 * and says so in every proposal it makes ({@value #NAME}); pulling langchain4j into this service for one prompt
 * was not worth its weight yet.
 */
public final class ScriptedInstructionDrafter implements InstructionDrafter {

    /** How its proposals name it. */
    public static final String NAME = "scripted/instruction-drafter (offline, deterministic; no model was called)";

    /** Most lines added by one revision. */
    static final int MAX_ADDED = 5;

    @Override
    public Revision revise(String agent, String instructions, List<String> exemplars) {
        Set<String> reasons = new LinkedHashSet<>();
        for (String exemplar : exemplars) {
            if (!exemplar.startsWith("retried: ")) {
                continue;
            }
            String rest = exemplar.substring("retried: ".length());
            int bar = rest.indexOf(" | ");
            String why = (bar < 0 ? rest : rest.substring(0, bar)).strip();
            if (!why.isEmpty() && why.length() <= 200) {
                reasons.add(why);
            }
        }
        String lower = instructions.toLowerCase(Locale.ROOT);
        List<String> added = new ArrayList<>();
        for (String why : reasons) {
            if (added.size() >= MAX_ADDED || lower.contains(why.toLowerCase(Locale.ROOT))) {
                continue;
            }
            added.add("Validators sent steps back for: " + why + ". Do not propose such steps.");
        }
        if (added.isEmpty()) {
            return new Revision(instructions, List.of(), NAME);
        }
        String base = instructions.endsWith("\n") ? instructions : instructions + "\n";
        return new Revision(base + String.join("\n", added) + "\n", List.copyOf(added), NAME);
    }
}
