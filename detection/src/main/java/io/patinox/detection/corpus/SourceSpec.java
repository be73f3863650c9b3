package io.patinox.detection.corpus;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * A source's {@code source.yaml}: where its texts come from, under which licence, with which label and how its
 * data files are laid out. Fields the builder does not use (commit, paths, licenceEvidence...) are provenance for
 * people and are ignored here.
 *
 * @param id the folder name
 * @param name what it is
 * @param url where it comes from
 * @param licence SPDX-like licence name
 * @param label {@code attack} or {@code benign}
 * @param kind {@code text} (each row is an example), {@code template} (rows hold {@code placeholder}, filled
 *        with harmful questions) or {@code question} (harmful questions: only used inside templates)
 * @param placeholder the template's slot, for kind {@code template}
 * @param category the default category of its rows
 * @param files its data files
 * @param notes provenance notes
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record SourceSpec(String id, String name, String url, String licence, String label, String kind,
        String placeholder, String category, List<DataFile> files, String notes) {

    /**
     * A data file: {@code jsonl} (one JSON object per line, the text in {@code field}, default {@code text}),
     * {@code csv} (a header row, the text in column {@code field}) or {@code lines} (one text per line). {@code path} is
     * relative to the source folder.
     */
    @JsonIgnoreProperties(ignoreUnknown = true)
    public record DataFile(String path, String format, String field, Integer rows, String note) {
    }

    /** Whether the rows are attacks. */
    public boolean attack() {
        return "attack".equals(label);
    }

    /** Checks the fields the builder relies on; the message names the source. */
    public void check() {
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("source.yaml without id");
        }
        if (!"attack".equals(label) && !"benign".equals(label)) {
            throw new IllegalArgumentException(id + ": label must be attack or benign, was " + label);
        }
        if (!List.of("text", "template", "question").contains(kind == null ? "text" : kind)) {
            throw new IllegalArgumentException(id + ": kind must be text, template or question, was " + kind);
        }
        if ("template".equals(kind) && (placeholder == null || placeholder.isEmpty())) {
            throw new IllegalArgumentException(id + ": a template source needs its placeholder");
        }
        if (files == null || files.isEmpty()) {
            throw new IllegalArgumentException(id + ": no files");
        }
        for (DataFile f : files) {
            if (!List.of("jsonl", "lines", "csv").contains(f.format() == null ? "jsonl" : f.format())) {
                throw new IllegalArgumentException(id + ": " + f.path() + ": format must be jsonl, lines or csv");
            }
        }
    }

    /** {@code kind}, {@code text} when absent. */
    public String kindOrText() {
        return kind == null ? "text" : kind;
    }
}
