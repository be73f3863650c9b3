package io.patinox.evolution.ai;

import java.util.List;

/** Drafts a revision of an agent's instructions from the failures the validator keeps sending back. */
public interface InstructionDrafter {

    /**
     * A revised text of the instructions.
     *
     * @param instructions the revised instructions, or the same text when there is nothing to add
     * @param added the guidance added, one item per line
     * @param drafter who drafted it, named as such in the evidence (e.g. {@code scripted/...})
     */
    record Revision(String instructions, List<String> added, String drafter) {
    }

    /** Revises {@code instructions} of {@code agent} given failure exemplars ({@code "retried: <why> | <what>"}). */
    Revision revise(String agent, String instructions, List<String> exemplars);
}
