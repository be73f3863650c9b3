package io.patinox.evolution.retrain;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.detection.corpus.CorpusFiles;
import io.patinox.detection.corpus.CorpusRow;
import io.patinox.detection.eval.Metrics;
import io.patinox.detection.model.InjectionModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The model in force against a retrained one, each at its own operating threshold (the one the validator runs it at:
 * the file's, chosen for 1 % false positives on the validation split), on the held-out split, on the new reviewed
 * examples, and on both together. The retrained model is better when, on both together, its recall is higher and its
 * false-positive rate not higher. The reviewed examples are also in the retrained model's training set, so its
 * figures on them alone are optimistic; the held-out split is the unbiased part.
 *
 * @param heldout the held-out split: in force, retrained
 * @param reviewed the new examples: in force, retrained
 * @param all both together: in force, retrained
 * @param retrainedRecallAtSameFpr the retrained model's recall on both together at the threshold that gives it the
 *        in-force model's false-positive rate there (at most)
 */
public record ModelComparison(Pair heldout, Pair reviewed, Pair all, double retrainedRecallAtSameFpr) {

    /** One model's figures on a set of rows at its operating threshold. */
    public record Figures(int attacks, int benign, double recall, double fpr, double threshold) {

        static Figures of(Scores s, double threshold) {
            return new Figures(s.attacks().length, s.benign().length, Metrics.recallAt(s.attacks(), threshold),
                    Metrics.fprAt(s.benign(), threshold), threshold);
        }
    }

    /** The model in force and the retrained one on the same rows. */
    public record Pair(Figures current, Figures retrained) {
    }

    private record Scores(double[] attacks, double[] benign) {

        static Scores of(InjectionModel model, List<CorpusRow> rows) {
            return new Scores(rows.stream().filter(CorpusRow::attack).mapToDouble(r -> model.probability(r.text()))
                    .toArray(),
                    rows.stream().filter(r -> !r.attack()).mapToDouble(r -> model.probability(r.text()))
                            .toArray());
        }
    }

    /** Scores both models on the held-out rows and the reviewed ones. */
    public static ModelComparison of(InjectionModel current, InjectionModel retrained, List<CorpusRow> heldout,
            List<CorpusRow> reviewed) {
        List<CorpusRow> both = new ArrayList<>(heldout);
        both.addAll(reviewed);
        Pair all = pair(current, retrained, both);
        Scores s = Scores.of(retrained, both);
        double sameFpr = Metrics.recallAt(s.attacks(), Metrics.thresholdForFpr(s.benign(), all.current().fpr()));
        return new ModelComparison(pair(current, retrained, heldout), pair(current, retrained, reviewed), all, sameFpr);
    }

    private static Pair pair(InjectionModel current, InjectionModel retrained, List<CorpusRow> rows) {
        return new Pair(Figures.of(Scores.of(current, rows), current.threshold()),
                Figures.of(Scores.of(retrained, rows), retrained.threshold()));
    }

    /** Whether the retrained model is better: higher recall at a false-positive rate not higher, on both sets. */
    public boolean better() {
        return all.retrained().recall() > all.current().recall() && all.retrained().fpr() <= all.current().fpr();
    }

    /** Why it is better or not, in one sentence. */
    public String verdict() {
        String figures = String.format(Locale.ROOT, "recall %.4f -> %.4f at FPR %.4f -> %.4f on the held-out split and"
                + " the reviewed examples (%d attacks, %d benign)", all.current().recall(), all.retrained().recall(),
                all.current().fpr(), all.retrained().fpr(), all.current().attacks(), all.current().benign());
        if (better()) {
            return "the retrained model is better: " + figures;
        }
        return "the retrained model is not better (" + (all.retrained().fpr() > all.current().fpr()
                ? "more false positives"
                : "recall not higher") + "): " + figures;
    }

    /** The figures as a Markdown table. */
    public String table() {
        StringBuilder t = new StringBuilder(
                "| set | attacks / benign | in force: recall / FPR | retrained: recall / FPR |\n| --- | --- | --- | --- |\n");
        row(t, "held-out split", heldout);
        row(t, "reviewed examples", reviewed);
        row(t, "both", all);
        t.append(String.format(Locale.ROOT, "\nThresholds (each model's operating one): in force %.4f, retrained %.4f."
                + " Retrained at the in-force FPR %.4f on both: recall %.4f.", all.current().threshold(),
                all.retrained().threshold(), all.current().fpr(), retrainedRecallAtSameFpr));
        return t.toString();
    }

    private static void row(StringBuilder t, String name, Pair p) {
        t.append(String.format(Locale.ROOT, "| %s | %d / %d | %s / %s | %s / %s |\n", name, p.current().attacks(),
                p.current().benign(), f(p.current().recall()), f(p.current().fpr()), f(p.retrained().recall()),
                f(p.retrained().fpr())));
    }

    private static String f(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
    }

    /**
     * Reads labelled rows from JSON lines: corpus rows ({@code text}) or the evaluation format ({@code input}, the
     * held-out split); lines starting with {@code #} are comments.
     */
    public static List<CorpusRow> readRows(String jsonl) {
        List<CorpusRow> rows = new ArrayList<>();
        for (String line : jsonl.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            try {
                JsonNode n = CorpusFiles.JSON.readTree(line);
                String text = n.has("text") ? n.path("text").asText() : n.path("input").asText();
                rows.add(new CorpusRow(n.path("id").asText(null), text, n.path("label").asText(), n.path("source")
                        .asText(null), null, n.path("category").asText(null), null, null, null));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }
}
