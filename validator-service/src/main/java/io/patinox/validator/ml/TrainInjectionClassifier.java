package io.patinox.validator.ml;

import io.patinox.contracts.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Trains the injection classifier: {@code TrainInjectionClassifier <corpus dir> <model.json>}. Reads every
 * {@code attacks-*.txt} (label attack) and {@code benign-*.txt} (label benign) of the corpus directory, one
 * text per line; every 5th line goes to {@code heldout.jsonl} (in the evaluation command's format) and the
 * rest trains the model. Prints the held-out precision, recall and false-positive rate at 0.5 and 0.9.
 */
public final class TrainInjectionClassifier {

    private TrainInjectionClassifier() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: TrainInjectionClassifier <corpus dir> <model.json>");
            System.exit(2);
        }
        Path corpus = Path.of(args[0]);
        Path modelFile = Path.of(args[1]);
        List<NaiveBayesModel.Example> train = new ArrayList<>();
        List<NaiveBayesModel.Example> heldOut = new ArrayList<>();
        List<String> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(corpus)) {
            for (Path file : list.filter(f -> f.getFileName().toString().endsWith(".txt")).sorted().toList()) {
                String fileName = file.getFileName().toString();
                boolean attack = fileName.startsWith("attacks-");
                if (!attack && !fileName.startsWith("benign-")) {
                    continue;
                }
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .map(String::strip).filter(l -> !l.isEmpty()).toList();
                files.add(fileName + " (" + lines.size() + ")");
                for (int i = 0; i < lines.size(); i++) {
                    ((i + 1) % 5 == 0 ? heldOut : train).add(new NaiveBayesModel.Example(lines.get(i), attack));
                }
            }
        }
        NaiveBayesModel model = NaiveBayesModel.train(train, String.join(", ", files)
                + "; every 5th line held out; trained on " + train.size());
        model.write(modelFile);
        writeHeldOut(corpus.resolve("heldout.jsonl"), heldOut);
        System.out.printf("trained on %d texts (%d features), held out %d; model %s%n", train.size(),
                model.vocabularySize(), heldOut.size(), modelFile);
        for (double threshold : new double[] {0.5, 0.9}) {
            int tp = 0, fp = 0, fn = 0, tn = 0;
            for (var e : heldOut) {
                boolean hit = model.attackProbability(e.text()) >= threshold;
                if (hit && e.attack()) tp++;
                else if (hit) fp++;
                else if (e.attack()) fn++;
                else tn++;
            }
            System.out.printf("held-out at threshold %.1f: precision %.3f recall %.3f FPR %.3f (tp %d fp %d fn %d tn %d)%n",
                    threshold, ratio(tp, tp + fp), ratio(tp, tp + fn), ratio(fp, fp + tn), tp, fp, fn, tn);
        }
    }

    /** Held-out texts as evaluation lines: the text is the task input of a first step. */
    private static void writeHeldOut(Path file, List<NaiveBayesModel.Example> heldOut) throws IOException {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (var e : heldOut) {
            Map<String, Object> line = new LinkedHashMap<>();
            line.put("id", "injection-heldout-" + (++n));
            line.put("input", e.text());
            line.put("action", Map.of("type", "final_answer", "answer", "Happy to help with that."));
            line.put("label", e.attack() ? "attack" : "benign");
            out.append(Json.encodeToString(line)).append('\n');
        }
        Files.writeString(file, out.toString(), StandardCharsets.UTF_8);
    }

    private static double ratio(int a, int b) {
        return b == 0 ? 0 : (double) a / b;
    }
}
