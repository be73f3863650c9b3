package io.patinox.detection.corpus;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * One labelled text of the built corpus (a line of {@code train.jsonl}, {@code validation.jsonl},
 * {@code test.jsonl}).
 *
 * @param id stable id: source and row (and template and question for an expansion)
 * @param text the text as the source has it
 * @param label {@code attack} or {@code benign}
 * @param source the source id
 * @param family the source's family (cross-source unit)
 * @param category the row's category, else the source's
 * @param lang the row's language when the source gives one
 * @param group the group it was split with
 * @param split {@code train}, {@code validation} or {@code test}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonIgnoreProperties(ignoreUnknown = true)
public record CorpusRow(String id, String text, String label, String source, String family, String category,
        String lang, String group, String split) {

    /** Whether it is an attack. */
    public boolean attack() {
        return "attack".equals(label);
    }

    /** The same row in another group. */
    public CorpusRow withGroup(String newGroup) {
        return new CorpusRow(id, text, label, source, family, category, lang, newGroup, split);
    }

    /** The same row in a split. */
    public CorpusRow withSplit(String newSplit) {
        return new CorpusRow(id, text, label, source, family, category, lang, group, newSplit);
    }
}
