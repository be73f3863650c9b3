package io.patinox.detection.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patinox.detection.corpus.CommandLine;
import io.patinox.detection.corpus.CorpusFiles;
import io.patinox.detection.corpus.CorpusRow;
import io.patinox.detection.eval.Metrics;
import io.patinox.detection.model.InjectionModel;
import io.patinox.detection.model.SparseVector;
import io.patinox.detection.model.TfIdfFeatures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.tribuo.Example;
import org.tribuo.MutableDataset;
import org.tribuo.classification.Label;
import org.tribuo.classification.LabelFactory;
import org.tribuo.classification.liblinear.LibLinearClassificationTrainer;
import org.tribuo.classification.liblinear.LinearClassificationType;
import org.tribuo.common.liblinear.LibLinearModel;
import org.tribuo.impl.ArrayExample;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains the injection model: {@code TrainInjectionModel <split dir> <model.json> [options]}, where the split dir
 * holds {@code train.jsonl}, {@code validation.jsonl} and {@code test.jsonl} as {@code BuildCorpus} wrote them.
 * <ol>
 * <li>Training examples: every training text whole, and every window of every benign text at the sizes the
 * scorer reads ({@code --windows 32,64}, half a window apart): the scorer takes the most suspicious window
 * of a long text, so the model must have seen what ordinary windows of long benign documents look like.</li>
 * <li>Features: {@link TfIdfFeatures} (hashed character n-grams of words and word uni/bigrams); the idf of a
 * bucket from its document frequency over the training examples, 0 below {@code --min-df 2} (a bucket only
 * one example has is noise, and made-up padding words fall there), quantised as the file stores it.</li>
 * <li>L2-regularised logistic regression by Tribuo's liblinear ({@code --c 16}), the classes weighted to equal
 * totals.</li>
 * <li>The weights are exported to the runtime format (checked against Tribuo's own probabilities) and quantised
 * as the file stores them; everything after that is measured with the runtime scorer
 * ({@link InjectionModel}), windows and decodings included.</li>
 * <li>Platt calibration on the validation split; thresholds for 1 %, 2 % and 5 % false positives on it, the
 * operating one for {@code --target-fpr 0.01}. Test metrics (and how many detected test attacks stay
 * detected with 40 made-up words added) are reported and stored in the file, never used to choose anything.</li>
 * </ol>
 * Options: {@code --c 16}, {@code --min-df 2}, {@code --windows 32,64}, {@code --bits 20}, {@code --min-n 2} and
 * {@code --max-n 5} (the character n-grams), {@code --target-fpr 0.01},
 * {@code --seed N}, {@code --corpus-summary summary.json} (default: the split dir's or its parent's),
 * {@code --report file.json}.
 */
public final class TrainInjectionModel {

    /** Training settings. */
    record Options(double c, int minDf, int[] windows, int bits, int minN, int maxN, double targetFpr, long seed) {

        /** The settings {@code main} trains with when given no option: the shipped model's. */
        static Options defaults() {
            TfIdfFeatures standard = TfIdfFeatures.standard();
            return new Options(16.0, 2, new int[] { 32, 64 }, standard.bits(), standard.minN(), standard.maxN(), 0.01,
                    20261201L);
        }
    }

    /** A trained model and its file's content. */
    public record Trained(InjectionModel model, byte[] file) {
    }

    /** Tribuo logs every training at INFO; held here so the setting is not garbage-collected with the logger. */
    private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");

    /** One training example: units [from, to) of a text, and its label. */
    private record Piece(TfIdfFeatures.Units units, int from, int to, boolean attack) {
    }

    private final Options options;
    private final TfIdfFeatures features;
    private final List<String> log = new ArrayList<>();

    TrainInjectionModel(Options options) {
        this.options = options;
        this.features = new TfIdfFeatures(options.bits(), options.minN(), options.maxN(),
                TfIdfFeatures.standard().chunkChars());
    }

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(args,
                "usage: TrainInjectionModel <split dir> <model.json> [options: see the class comment]",
                "--c", "--min-df", "--windows", "--bits", "--min-n", "--max-n", "--target-fpr", "--seed", "--corpus-summary",
                "--report");
        Path splitDir = Path.of(line.argument(0));
        Path modelFile = Path.of(line.argument(1));
        Options defaults = Options.defaults();
        double c = line.option("--c", Double::parseDouble, defaults.c());
        int minDf = line.option("--min-df", Integer::parseInt, defaults.minDf());
        int bits = line.option("--bits", Integer::parseInt, defaults.bits());
        int minN = line.option("--min-n", Integer::parseInt, defaults.minN());
        int maxN = line.option("--max-n", Integer::parseInt, defaults.maxN());
        int[] windows = line.option("--windows",
                w -> java.util.Arrays.stream(w.split(",")).mapToInt(Integer::parseInt).toArray(), defaults.windows());
        double targetFpr = line.option("--target-fpr", Double::parseDouble, defaults.targetFpr());
        long seed = line.option("--seed", Long::parseLong, defaults.seed());
        Path summaryFile = line.option("--corpus-summary", Path::of, null);
        Path report = line.option("--report", Path::of, null);
        if (summaryFile == null) {
            summaryFile = Files.exists(splitDir.resolve("summary.json")) ? splitDir.resolve("summary.json")
                    : splitDir.toAbsolutePath().getParent().resolve("summary.json");
        }
        String corpusSha = Files.exists(summaryFile)
                ? CorpusFiles.JSON.readTree(summaryFile.toFile()).path("corpusSha256").asText("unknown")
                : "unknown";
        TRIBUO_LOG.setLevel(Level.WARNING);
        Options options = new Options(c, minDf, windows, bits, minN, maxN, targetFpr, seed);
        List<CorpusRow> train = CorpusFiles.readSplit(splitDir.resolve("train.jsonl"));
        List<CorpusRow> validation = CorpusFiles.readSplit(splitDir.resolve("validation.jsonl"));
        List<CorpusRow> test = CorpusFiles.readSplit(splitDir.resolve("test.jsonl"));
        TrainInjectionModel trainer = new TrainInjectionModel(options);
        long t0 = System.nanoTime();
        InjectionModel model = trainer.train(train, validation, corpusSha);
        long trainMs = (System.nanoTime() - t0) / 1_000_000;
        ObjectNode metrics = CorpusFiles.JSON.createObjectNode();
        metrics.set("validation", evaluate(model, validation));
        metrics.set("test", evaluate(model, test));
        metrics.set("testRobustness", robustness(model, test, seed));
        ObjectNode extra = CorpusFiles.JSON.createObjectNode();
        extra.put("corpusSha256", corpusSha);
        extra.put("targetFpr", targetFpr);
        extra.put("trainedOn", splitDir.toString().replace('\\', '/'));
        extra.set("metrics", metrics);
        trainer.describe(extra.putObject("training"), train.size(), validation.size(), test.size(), trainMs);
        Files.createDirectories(modelFile.toAbsolutePath().getParent());
        Files.write(modelFile, model.toJson(extra));
        InjectionModel reread = InjectionModel.read(modelFile);
        check(model, reread, validation);
        if (report != null) {
            Files.write(report, CorpusFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(extra));
        }
        trainer.log.forEach(l -> System.out.println("  " + l));
        System.out.printf(Locale.ROOT, "model %s (%s, %d KB) trained in %.1f s; threshold %.4f%n", modelFile,
                model.version(), Files.size(modelFile) / 1024, trainMs / 1000.0, model.threshold());
        printMetrics("validation", metrics.path("validation"));
        printMetrics("test", metrics.path("test"));
        System.out.println("test robustness: " + metrics.path("testRobustness"));
        System.out.println(summaryLine(metrics.path("test")));
    }

    /**
     * Trains with the settings of the shipped model ({@code main} without options) and returns the model with its
     * file's content; the model's version is the usual one (corpus hash and settings) followed by
     * {@code versionSuffix}; {@code extra} (may be empty) goes into the file's metadata with the training settings and log.
     * For callers that retrain the model in process (the evolution service's retraining from reviewed steps,
     * docs/adr/0019-detector-retraining-from-reviews.md); the file reads back and scores as the returned model.
     */
    public static Trained trainWithDefaults(List<CorpusRow> train, List<CorpusRow> validation, String corpusSha,
            String versionSuffix, ObjectNode extra) throws IOException {
        TRIBUO_LOG.setLevel(Level.WARNING);
        Options options = Options.defaults();
        TrainInjectionModel trainer = new TrainInjectionModel(options);
        long t0 = System.nanoTime();
        InjectionModel trained = trainer.train(train, validation, corpusSha);
        InjectionModel model = trained.withVersion(trained.version() + versionSuffix);
        ObjectNode meta = extra.deepCopy();
        meta.put("corpusSha256", corpusSha);
        meta.put("targetFpr", options.targetFpr());
        trainer.describe(meta.putObject("training"), train.size(), validation.size(), -1,
                (System.nanoTime() - t0) / 1_000_000);
        byte[] file = model.toJson(meta);
        check(model, InjectionModel.parse(file), validation);
        return new Trained(model, file);
    }

    /** The model file's {@code training} section: the settings, the rows ({@code testRows} when known) and the log. */
    private void describe(ObjectNode training, int trainRows, int validationRows, int testRows, long trainMillis) {
        training.put("trainer", "Tribuo 4.3.2 LibLinearClassificationTrainer, L2R_LR");
        training.put("c", options.c());
        training.put("minDf", options.minDf());
        training.set("windows", CorpusFiles.JSON.valueToTree(options.windows()));
        training.put("bits", options.bits());
        training.put("minN", options.minN());
        training.put("maxN", options.maxN());
        training.put("seed", options.seed());
        training.put("trainRows", trainRows);
        training.put("validationRows", validationRows);
        if (testRows >= 0) {
            training.put("testRows", testRows);
        }
        training.put("trainMillis", trainMillis);
        ArrayNode notes = training.putArray("log");
        log.forEach(notes::add);
    }

    /** Trains, quantises, calibrates and picks the thresholds. */
    InjectionModel train(List<CorpusRow> train, List<CorpusRow> validation, String corpusSha) {
        List<Piece> pieces = new ArrayList<>();
        for (CorpusRow r : train) {
            TfIdfFeatures.Units units = features.units(TfIdfFeatures.prepare(r.text()));
            pieces.add(new Piece(units, 0, units.size(), r.attack()));
            if (!r.attack()) {
                for (int size : options.windows()) {
                    if (units.size() <= size) {
                        continue;
                    }
                    for (int s = 0;; s += Math.max(1, size / 2)) {
                        int e = Math.min(units.size(), s + size);
                        pieces.add(new Piece(units, Math.max(0, e - size), e, false));
                        if (e == units.size()) {
                            break;
                        }
                    }
                }
            }
        }
        float[] idf = idf(pieces);
        InjectionModel model = fit(pieces, idf).quantised();
        // Calibration and thresholds on the validation split, with the runtime scorer.
        boolean[] labels = new boolean[validation.size()];
        double[] logits = new double[validation.size()];
        for (int i = 0; i < validation.size(); i++) {
            labels[i] = validation.get(i).attack();
            logits[i] = model.score(validation.get(i).text()).logit();
        }
        double[] ab = Platt.fit(logits, labels);
        InjectionModel calibrated = model.withCalibration(ab[0], ab[1], 0.5, Map.of());
        double[] benign = probabilities(calibrated, validation, false);
        Map<String, Double> thresholds = new TreeMap<>();
        for (double fpr : InjectionModel.OPERATING_FPRS) {
            thresholds.put(InjectionModel.fprKey(fpr), clampThreshold(Metrics.thresholdForFpr(benign, fpr)));
        }
        double threshold = clampThreshold(Metrics.thresholdForFpr(benign, options.targetFpr()));
        log.add(String.format(Locale.ROOT, "Platt a=%.4f b=%.4f; threshold %.4f for FPR <= %.3f on %d validation benign",
                ab[0], ab[1], threshold, options.targetFpr(), benign.length));
        String version = corpusSha.substring(0, Math.min(12, corpusSha.length())) + "-c" + options.c() + "-df"
                + options.minDf() + "-n" + options.minN() + "-" + options.maxN();
        return model.withCalibration(ab[0], ab[1], threshold, thresholds).withVersion(version);
    }

    private static double clampThreshold(double t) {
        return Math.min(1, Math.max(t, Double.MIN_NORMAL));
    }

    /** Smoothed idf per bucket over the training pieces; 0 for a bucket fewer than minDf pieces hold. */
    private float[] idf(List<Piece> pieces) {
        int[] df = new int[features.dimension()];
        for (Piece p : pieces) {
            var counts = new io.patinox.detection.model.Counts(64);
            for (int u = p.from(); u < p.to(); u++) {
                for (int b : p.units().features()[u]) {
                    counts.add(b);
                }
            }
            counts.forEach((bucket, count) -> df[bucket]++);
        }
        float[] idf = new float[df.length];
        int used = 0;
        for (int b = 0; b < df.length; b++) {
            if (df[b] >= options.minDf()) {
                idf[b] = (float) (Math.log((1.0 + pieces.size()) / (1.0 + df[b])) + 1);
                used++;
            }
        }
        log.add(String.format(Locale.ROOT, "%d training pieces (%d texts and the windows of benign ones); %d buckets"
                + " in at least %d of them", pieces.size(),
                pieces.stream().filter(p -> p.from() == 0 && p.to() == p.units().size()).count(),
                used, options.minDf()));
        // As the file will store it (8 bits), so that the vectors trained on are those the scorer computes.
        return InjectionModel.storedIdf(idf);
    }

    private InjectionModel fit(List<Piece> pieces, float[] idf) {
        long attacks = pieces.stream().filter(Piece::attack).count();
        long benign = pieces.size() - attacks;
        float attackWeight = (float) (pieces.size() / (2.0 * attacks));
        float benignWeight = (float) (pieces.size() / (2.0 * benign));
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("injection corpus", labels), labels);
        Label attack = new Label("attack");
        Label benignLabel = new Label("benign");
        String[] names = new String[features.dimension()];
        long nonZero = 0;
        List<SparseVector> vectors = new ArrayList<>(pieces.size());
        for (Piece p : pieces) {
            SparseVector v = InjectionModel.vector(features, idf, p.units(), p.from(), p.to());
            vectors.add(v);
            ArrayExample<Label> e = example(v, p.attack() ? attack : benignLabel, names);
            e.setWeight(p.attack() ? attackWeight : benignWeight);
            nonZero += e.size();
            data.add(e);
        }
        long t0 = System.nanoTime();
        var tribuo = (LibLinearModel<Label>) new LibLinearClassificationTrainer(
                new LinearClassificationType(LinearClassificationType.LinearType.L2R_LR), options.c(), 1000, 1e-4,
                options.seed()).train(data);
        log.add(String.format(Locale.ROOT, "%d examples (%d attack, %d benign; weights %.2f / %.2f), %d features used, "
                + "%d non-zeros, liblinear in %.1f s", pieces.size(), attacks, benign, attackWeight, benignWeight,
                data.getFeatureMap().size(), nonZero, (System.nanoTime() - t0) / 1e9));
        InjectionModel model = export(tribuo, idf, names);
        verify(tribuo, model, vectors, pieces, names, attack);
        return model;
    }

    private ArrayExample<Label> example(SparseVector v, Label label, String[] names) {
        String[] featureNames = new String[v.size()];
        for (int k = 0; k < v.size(); k++) {
            int b = v.index()[k];
            if (names[b] == null) {
                names[b] = "b" + b;
            }
            featureNames[k] = names[b];
        }
        return new ArrayExample<>(label, featureNames, v.value().clone());
    }

    /** A binary liblinear model holds one weight vector for its first label, and the bias as the last weight. */
    private InjectionModel export(LibLinearModel<Label> tribuo, float[] idf, String[] names) {
        de.bwaldvogel.liblinear.Model inner = tribuo.getInnerModels().get(0);
        double[] w = inner.getFeatureWeights();
        int attackId = tribuo.getOutputIDInfo().getID(new Label("attack"));
        double sign = inner.getLabels()[0] == attackId ? 1 : -1;
        var featureMap = tribuo.getFeatureIDMap();
        float[] weights = new float[features.dimension()];
        for (int bucket = 0; bucket < weights.length; bucket++) {
            if (names[bucket] != null) {
                int id = featureMap.getID(names[bucket]);
                if (id >= 0) {
                    weights[bucket] = (float) (sign * w[id]);
                }
            }
        }
        double bias = inner.getBias() >= 0 ? sign * w[inner.getNrFeature()] * inner.getBias() : 0;
        return new InjectionModel(features, idf, weights, bias, options.windows(), 1, 0, 0.5, Map.of(), "training");
    }

    /** The export must give Tribuo's own probabilities, checked on a sample of examples. */
    private void verify(LibLinearModel<Label> tribuo, InjectionModel model, List<SparseVector> vectors,
            List<Piece> pieces, String[] names, Label attack) {
        Random random = new Random(options.seed());
        double worst = 0;
        for (int k = 0; k < Math.min(200, pieces.size()); k++) {
            int i = random.nextInt(pieces.size());
            Piece p = pieces.get(i);
            Example<Label> e = example(vectors.get(i), attack, names);
            double logit = model.logit(p.units(), p.from(), p.to(), new io.patinox.detection.model.Counts(64));
            double probability = tribuo.predict(e).getOutputScores().get("attack").getScore();
            worst = Math.max(worst, Math.abs(probability - 1 / (1 + Math.exp(-logit))));
        }
        if (worst > 1e-4) {
            throw new IllegalStateException(
                    "exported weights disagree with Tribuo's predictions (max difference " + worst + ")");
        }
    }

    private static double[] probabilities(InjectionModel model, List<CorpusRow> rows, boolean attack) {
        return rows.stream().filter(r -> r.attack() == attack).mapToDouble(r -> model.probability(r.text())).toArray();
    }

    /** Metrics of the model on rows: AUC, recall at 1 % and 2 % FPR, and at the model's threshold; FPR per category. */
    static ObjectNode evaluate(InjectionModel model, List<CorpusRow> rows) {
        ObjectNode m = CorpusFiles.JSON.createObjectNode();
        double[] attacks = probabilities(model, rows, true);
        double[] benign = probabilities(model, rows, false);
        m.put("attacks", attacks.length);
        m.put("benign", benign.length);
        m.put("auc", round(Metrics.auc(attacks, benign)));
        m.put("recall_at_fpr_1pct", round(Metrics.recallAtFpr(attacks, benign, 0.01)));
        m.put("recall_at_fpr_2pct", round(Metrics.recallAtFpr(attacks, benign, 0.02)));
        m.put("recall", round(Metrics.recallAt(attacks, model.threshold())));
        m.put("fpr", round(Metrics.fprAt(benign, model.threshold())));
        Map<String, List<CorpusRow>> benignByCategory = new TreeMap<>();
        Map<String, List<CorpusRow>> attacksBySource = new TreeMap<>();
        for (CorpusRow r : rows) {
            (r.attack() ? attacksBySource.computeIfAbsent(r.source(), k -> new ArrayList<>())
                    : benignByCategory.computeIfAbsent(r.category() == null ? "none" : r.category(), k -> new ArrayList<>()))
                    .add(r);
        }
        ObjectNode fpr = m.putObject("fprByCategory");
        benignByCategory
                .forEach((c, list) -> fpr.put(c, round(Metrics.fprAt(probabilities(model, list, false), model.threshold()))));
        ObjectNode n = m.putObject("benignByCategory");
        benignByCategory.forEach((c, list) -> n.put(c, list.size()));
        ObjectNode recall = m.putObject("recallBySource");
        attacksBySource.forEach(
                (s, list) -> recall.put(s, round(Metrics.recallAt(probabilities(model, list, true), model.threshold()))));
        return m;
    }

    /**
     * Of the test attacks the model detects, the share still detected with 40 made-up words appended, prepended,
     * or 20 on each side.
     */
    static ObjectNode robustness(InjectionModel model, List<CorpusRow> rows, long seed) {
        MadeUpWords words = new MadeUpWords(seed ^ 0x5eed);
        int detected = 0;
        int[] kept = new int[3];
        for (CorpusRow r : rows) {
            if (!r.attack() || !model.isAttack(r.text())) {
                continue;
            }
            detected++;
            if (model.isAttack(r.text() + " " + words.words(40))) {
                kept[0]++;
            }
            if (model.isAttack(words.words(40) + " " + r.text())) {
                kept[1]++;
            }
            if (model.isAttack(words.words(20) + " " + r.text() + " " + words.words(20))) {
                kept[2]++;
            }
        }
        ObjectNode o = CorpusFiles.JSON.createObjectNode();
        o.put("detected", detected);
        o.put("stillDetectedPaddedAfter", round(detected == 0 ? 1 : (double) kept[0] / detected));
        o.put("stillDetectedPaddedBefore", round(detected == 0 ? 1 : (double) kept[1] / detected));
        o.put("stillDetectedPaddedAround", round(detected == 0 ? 1 : (double) kept[2] / detected));
        return o;
    }

    /** The trained model must read back from its file and score exactly as in memory. */
    private static void check(InjectionModel model, InjectionModel reread, List<CorpusRow> rows) {
        for (int i = 0; i < Math.min(100, rows.size()); i++) {
            String text = rows.get(i).text();
            if (Math.abs(model.probability(text) - reread.probability(text)) > 1e-6) {
                throw new IllegalStateException("the written model scores differently from the trained one");
            }
        }
    }

    private static void printMetrics(String name, JsonNode m) {
        System.out.printf(Locale.ROOT, "%-10s attacks %d benign %d  AUC %.4f  recall@1%%FPR %.3f  recall@2%%FPR %.3f  "
                + "at threshold: recall %.3f FPR %.3f%n", name, m.path("attacks").asInt(), m.path("benign").asInt(),
                m.path("auc").asDouble(), m.path("recall_at_fpr_1pct").asDouble(), m.path("recall_at_fpr_2pct").asDouble(),
                m.path("recall").asDouble(), m.path("fpr").asDouble());
        System.out.println("  FPR by benign category: " + m.path("fprByCategory"));
        System.out.println("  recall by attack source: " + m.path("recallBySource"));
    }

    private static String summaryLine(JsonNode test) {
        Map<String, Object> line = new LinkedHashMap<>();
        for (String k : List.of("recall", "fpr", "recall_at_fpr_1pct", "recall_at_fpr_2pct", "auc")) {
            line.put(k, test.path(k).asDouble());
        }
        try {
            return CorpusFiles.JSON.writeValueAsString(line);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    /** A growable int array. */
}
