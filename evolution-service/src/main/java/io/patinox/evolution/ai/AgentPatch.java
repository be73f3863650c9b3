package io.patinox.evolution.ai;

import dev.langchain4j.model.output.structured.Description;
import java.util.List;

/**
 * The structured answer the drafting model is asked for: a patch of an agent's file, field by field, and why.
 * The model fills it in; nothing in it is trusted before {@code service.AgentPatches} has checked it against the
 * fields a patch may touch and loaded the result as an agent.
 *
 * @param rationale why these changes address the failures, for the reviewer
 * @param changes the fields to change; empty when the model sees nothing worth changing
 */
@Description("A change to an AI agent's configuration file that addresses the failures it was shown")
public record AgentPatch(
        @Description("One or two sentences for the human reviewer: which failures this addresses and how") String rationale,
        @Description("The fields to change. Empty when nothing should change.") List<FieldChange> changes) {

    public AgentPatch {
        changes = changes == null ? List.of() : List.copyOf(changes);
    }

    /**
     * One field's new value.
     *
     * @param field the agent file's top-level field
     * @param value the new text of a text field ({@code instructions}, {@code policy}); null for a list field
     * @param values the new items of a list field ({@code tools}); null for a text field
     */
    @Description("The new value of one top-level field of the agent file")
    public record FieldChange(
            @Description("The field: instructions, tools or policy") String field,
            @Description("The complete new text, for instructions or policy") String value,
            @Description("The complete new list, for tools") List<String> values) {
    }
}
