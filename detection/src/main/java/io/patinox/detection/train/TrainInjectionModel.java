package io.patinox.detection.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patinox.detection.corpus.CorpusFiles;
import io.patinox.detection.corpus.CorpusRow;
import io.patinox.detection.eval.Metrics;
import io.patinox.detection.model.Features;
import io.patinox.detection.model.InjectionModel;
import io.patinox.detection.model.Tokens;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.tribuo.classification.sgd.linear.LinearSGDModel;
import org.tribuo.common.liblinear.LibLinearModel;
import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.impl.ArrayExample;
import org.tribuo.math.la.DenseMatrix;
import org.tribuo.math.StochasticGradientOptimiser;
import org.tribuo.math.optimisers.AdaGrad;
import org.tribuo.math.optimisers.Pegasos;
import org.tribuo.provenance.SimpleDataSourceProvenance;

/**
 * Trains the injection model: {@code TrainInjectionModel <split dir> <model.json> [options]}, where the split dir
 * holds {@code train.jsonl}, {@code validation.jsonl} and {@code test.jsonl} as {@code BuildCorpus} wrote them.
 * <ol>
 *   <li>Training units are what the scorer reads: a text of up to {@code windowWords} tokens whole, a longer one
 *       by windows (stride half a window). Every window of a benign text is benign. A long attack is not attack
 *       in every window (an injected paragraph in a long e-mail), so it is trained in two rounds: first on all its
 *       windows at a small weight, then on the window the first model finds most suspicious (multiple-instance
 *       learning).</li>
 *   <li>Copies of short examples are padded with made-up words (both labels), so padding carries no weight.</li>
 *   <li>Classes are weighted to equal total weight; logistic regression by Tribuo's {@link LinearSGDTrainer}
 *       (log loss, AdaGrad) over the {@link Features hashed features}.</li>
 *   <li>The weights are exported to the runtime format and quantised as the file stores them; everything after
 *       that is measured with the runtime scorer ({@link InjectionModel}), decodings included.</li>
 *   <li>Platt calibration on the validation split, and the threshold for the target false-positive rate
 *       (default 1 %) on it; test metrics are reported and stored, never used to choose anything.</li>
 * </ol>
 * Options: {@code --epochs N} (8), {@code --lr X} (0.5), {@code --window N} (64), {@code --bits N} (19),
 * {@code --target-fpr X} (0.01), {@code --seed N}, {@code --no-augment}, {@code --no-mil},
 * {@code --corpus-summary summary.json} (default: the split dir's or its parent's), {@code --report file.json}.
 */
public final class TrainInjectionModel {

    /** Training settings. */
    record Options(int epochs, double learningRate, String optimiser, double lambda, int windowWords, double lengthPower, int bits,
                   double targetFpr, long seed, boolean augment, boolean mil) {

        StochasticGradientOptimiser create() {
            return switch (optimiser) {
                case "liblinear" -> null;
                case "pegasos" -> new Pegasos(learningRate, lambda);
                case "adagrad" -> new AdaGrad(learningRate, 0.1);
                default -> throw new IllegalArgumentException("optimiser must be liblinear, pegasos or adagrad: " + optimiser);
            };
        }
    }

    /** Tribuo logs every training at INFO; held here so the setting is not garbage-collected with the logger. */
    private static final Logger TRIBUO_LOG = Logger.getLogger("org.tribuo");

    /** A run of tokens of a prepared text, with its label and weight. */
    private record Unit(Tokens tokens, int start, int end, boolean attack, double weight) {
    }

    private final Options options;
    private final Features features;
    private final String[] names;
    private final List<String> log = new ArrayList<>();

    TrainInjectionModel(Options options) {
        this.options = options;
        this.features = new Features(options.bits(), 3, 5, 40);
        this.names = new String[features.dimension()];
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TrainInjectionModel <split dir> <model.json> [--epochs N] [--lr X] [--optimiser pegasos|adagrad] [--lambda X] "
                    + "[--window N] [--bits N] [--target-fpr X] [--seed N] [--no-augment] [--no-mil] [--corpus-summary file] [--report file]");
            System.exit(2);
        }
        Path splitDir = Path.of(args[0]);
        Path modelFile = Path.of(args[1]);
        int epochs = 8, window = 64, bits = 19;
        double lengthPower = 0;
        double lr = 0.5, targetFpr = 0.01, lambda = 1e-4;
        String optimiser = "pegasos";
        long seed = 20261201L;
        boolean augment = true, mil = true;
        Path summaryFile = null, report = null;
        for (int i = 2; i < args.length; i++) {
            switch (args[i]) {
                case "--epochs" -> epochs = Integer.parseInt(args[++i]);
                case "--lr" -> lr = Double.parseDouble(args[++i]);
                case "--optimiser" -> optimiser = args[++i];
                case "--lambda" -> lambda = Double.parseDouble(args[++i]);
                case "--window" -> window = Integer.parseInt(args[++i]);
                case "--length-power" -> lengthPower = Double.parseDouble(args[++i]);
                case "--bits" -> bits = Integer.parseInt(args[++i]);
                case "--target-fpr" -> targetFpr = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--no-augment" -> augment = false;
                case "--no-mil" -> mil = false;
                case "--corpus-summary" -> summaryFile = Path.of(args[++i]);
                case "--report" -> report = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (summaryFile == null) {
            summaryFile = Files.exists(splitDir.resolve("summary.json")) ? splitDir.resolve("summary.json")
                    : splitDir.toAbsolutePath().getParent().resolve("summary.json");
        }
        String corpusSha = Files.exists(summaryFile)
                ? CorpusFiles.JSON.readTree(summaryFile.toFile()).path("corpusSha256").asText("unknown") : "unknown";
        TRIBUO_LOG.setLevel(Level.WARNING);
        Options options = new Options(epochs, lr, optimiser, lambda, window, lengthPower, bits, targetFpr, seed, augment, mil);
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
        ObjectNode training = extra.putObject("training");
        training.put("trainer", "Tribuo 4.3.2 LinearSGDTrainer, LogMulticlass");
        training.put("optimiser", optimiser);
        training.put("epochs", epochs);
        training.put("learningRate", lr);
        training.put("lambda", lambda);
        training.put("windowWords", window);
        training.put("lengthPower", lengthPower);
        training.put("seed", seed);
        training.put("augment", augment);
        training.put("multipleInstance", mil);
        training.put("trainRows", train.size());
        training.put("validationRows", validation.size());
        training.put("testRows", test.size());
        training.put("trainMillis", trainMs);
        ArrayNode notes = training.putArray("log");
        trainer.log.forEach(notes::add);
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

    /** Trains, calibrates and picks the threshold; the model is quantised as its file will be. */
    InjectionModel train(List<CorpusRow> train, List<CorpusRow> validation, String corpusSha) {
        List<Tokens> tokens = new ArrayList<>(train.size());
        for (CorpusRow r : train) {
            tokens.add(Tokens.of(Features.prepare(r.text())));
        }
        int w = options.windowWords();
        int stride = Math.max(1, w / 2);
        List<Unit> base = new ArrayList<>();
        List<Integer> longAttacks = new ArrayList<>();
        for (int i = 0; i < train.size(); i++) {
            Tokens t = tokens.get(i);
            boolean attack = train.get(i).attack();
            List<int[]> windows = InjectionModel.windows(t.size(), w, stride);
            if (windows.size() == 1) {
                base.add(new Unit(t, 0, t.size(), attack, 1));
            } else if (!attack) {
                double weight = 1 / Math.sqrt(windows.size());
                windows.forEach(x -> base.add(new Unit(t, x[0], x[1], false, weight)));
            } else {
                longAttacks.add(i);
            }
        }
        if (options.augment()) {
            base.addAll(padded(train, tokens));
        }
        List<Unit> units = new ArrayList<>(base);
        for (int i : longAttacks) {
            Tokens t = tokens.get(i);
            List<int[]> windows = InjectionModel.windows(t.size(), w, stride);
            windows.forEach(x -> units.add(new Unit(t, x[0], x[1], true, 1.0 / windows.size())));
        }
        InjectionModel model = fit(units, "round 1");
        if (options.mil() && !longAttacks.isEmpty()) {
            // Round 2: each long attack by its most suspicious window under the first model.
            List<Unit> second = new ArrayList<>(base);
            for (int i : longAttacks) {
                Tokens t = tokens.get(i);
                int[] best = null;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int[] x : InjectionModel.windows(t.size(), w, stride)) {
                    double s = sum(model, t, x[0], x[1]);
                    if (s > bestScore) {
                        bestScore = s;
                        best = x;
                    }
                }
                second.add(new Unit(t, best[0], best[1], true, 1));
            }
            model = fit(second, "round 2");
        }
        model = model.quantised();
        // Calibration and operating point on the validation split, with the runtime scorer.
        double[] logits = new double[validation.size()];
        boolean[] labels = new boolean[validation.size()];
        for (int i = 0; i < validation.size(); i++) {
            logits[i] = model.score(validation.get(i).text()).logit();
            labels[i] = validation.get(i).attack();
        }
        double[] ab = Platt.fit(logits, labels);
        InjectionModel calibrated = model.withCalibration(ab[0], ab[1], 0.5);
        double[] benign = probabilities(calibrated, validation, false);
        double threshold = Metrics.thresholdForFpr(benign, options.targetFpr());
        threshold = Math.min(1, Math.max(threshold, Double.MIN_NORMAL));
        String version = LocalDate.now(ZoneOffset.UTC) + "-" + corpusSha.substring(0, Math.min(8, corpusSha.length()));
        log.add(String.format(Locale.ROOT, "Platt a=%.4f b=%.4f; threshold %.4f for FPR <= %.3f on %d validation benign",
                ab[0], ab[1], threshold, options.targetFpr(), benign.length));
        return model.withCalibration(ab[0], ab[1], threshold).withVersion(version);
    }

    /** Copies of short training texts with made-up words before, after or around them (same label, half weight). */
    private List<Unit> padded(List<CorpusRow> train, List<Tokens> tokens) {
        MadeUpWords words = new MadeUpWords(options.seed());
        Random random = new Random(options.seed() + 1);
        List<Unit> out = new ArrayList<>();
        int w = options.windowWords();
        for (int i = 0; i < train.size(); i++) {
            int n = tokens.get(i).size();
            if (n >= w - 8 || random.nextDouble() >= 0.5) {
                continue;
            }
            int pad = 8 + random.nextInt(w - n - 7);
            String text = Features.prepare(train.get(i).text());
            String padded = switch (random.nextInt(3)) {
                case 0 -> text + " " + words.words(pad);
                case 1 -> words.words(pad) + " " + text;
                default -> words.words(pad / 2) + " " + text + " " + words.words(pad - pad / 2);
            };
            Tokens t = Tokens.of(padded);
            out.add(new Unit(t, 0, t.size(), train.get(i).attack(), 0.5));
        }
        log.add("padded copies: " + out.size());
        return out;
    }

    /** Logistic regression on the units, exported to the runtime form (not yet quantised or calibrated). */
    private InjectionModel fit(List<Unit> units, String round) {
        double attackWeight = 0, benignWeight = 0;
        for (Unit u : units) {
            if (u.attack()) {
                attackWeight += u.weight();
            } else {
                benignWeight += u.weight();
            }
        }
        double total = attackWeight + benignWeight;
        double scaleAttack = total / (2 * attackWeight);
        double scaleBenign = total / (2 * benignWeight);
        LabelFactory labels = new LabelFactory();
        MutableDataset<Label> data = new MutableDataset<>(new SimpleDataSourceProvenance("injection corpus " + round, labels), labels);
        Label attack = new Label("attack");
        Label benign = new Label("benign");
        long nonZero = 0;
        for (Unit u : units) {
            ArrayExample<Label> e = example(u, u.attack() ? attack : benign);
            e.setWeight((float) (u.weight() * (u.attack() ? scaleAttack : scaleBenign)));
            nonZero += e.size();
            data.add(e);
        }
        long t0 = System.nanoTime();
        org.tribuo.Model<Label> tribuo;
        if (options.optimiser().equals("liblinear")) {
            // L2-regularised logistic regression, primal (trust-region Newton); C = 1 / lambda.
            tribuo = new LibLinearClassificationTrainer(new LinearClassificationType(LinearClassificationType.LinearType.L2R_LR),
                    1 / options.lambda(), 1000, 1e-4, options.seed()).train(data);
        } else {
            tribuo = new LinearSGDTrainer(new LogMulticlass(), options.create(), options.epochs(), Integer.MAX_VALUE, 1,
                    options.seed()).train(data);
        }
        log.add(String.format(Locale.ROOT, "%s: %d units (attack weight %.0f, benign %.0f), %d features used, %d non-zeros, %.1f s",
                round, units.size(), attackWeight, benignWeight, data.getFeatureMap().size(), nonZero,
                (System.nanoTime() - t0) / 1e9));
        InjectionModel model = export(tribuo);
        verify(tribuo, model, units, attack);
        return model;
    }

    private ArrayExample<Label> example(Unit u, Label label) {
        int[] buckets = buckets(u);
        Arrays.sort(buckets);
        int distinct = 0;
        for (int i = 0; i < buckets.length; i++) {
            if (i == 0 || buckets[i] != buckets[i - 1]) {
                distinct++;
            }
        }
        String[] featureNames = new String[distinct];
        double[] values = new double[distinct];
        int k = -1;
        for (int i = 0; i < buckets.length; i++) {
            if (i == 0 || buckets[i] != buckets[i - 1]) {
                k++;
                featureNames[k] = name(buckets[i]);
            }
            values[k]++;
        }
        double scale = Math.pow(Math.max(1, u.end() - u.start()), -options.lengthPower());
        for (int i = 0; i < values.length; i++) {
            values[i] *= scale;
        }
        return new ArrayExample<>(label, featureNames, values);
    }

    private int[] buckets(Unit u) {
        IntList out = new IntList();
        for (int i = u.start(); i < u.end(); i++) {
            features.positionFeatures(u.tokens(), i, out::add);
            if (i > u.start()) {
                out.add(features.bigramBucket(u.tokens(), i));
            }
        }
        return out.toArray();
    }

    private String name(int bucket) {
        String n = names[bucket];
        if (n == null) {
            n = "h" + bucket;
            names[bucket] = n;
        }
        return n;
    }

    /** Weights of "attack" minus those of "benign" (two-class softmax = logistic regression on the difference). */
    private InjectionModel export(org.tribuo.Model<Label> model) {
        if (model instanceof LibLinearModel<Label> lib) {
            return exportLibLinear(lib);
        }
        LinearSGDModel tribuo = (LinearSGDModel) model;
        DenseMatrix w = tribuo.getWeightsCopy();
        int a = tribuo.getOutputIDInfo().getID(new Label("attack"));
        int b = tribuo.getOutputIDInfo().getID(new Label("benign"));
        var featureMap = tribuo.getFeatureIDMap();
        int biasColumn = featureMap.size();
        if (w.getDimension1Size() != 2 || w.getDimension2Size() != biasColumn + 1) {
            throw new IllegalStateException("unexpected weight shape " + w.getDimension1Size() + "x" + w.getDimension2Size());
        }
        float[] weights = new float[features.dimension()];
        for (int bucket = 0; bucket < weights.length; bucket++) {
            if (names[bucket] != null) {
                int id = featureMap.getID(names[bucket]);
                if (id >= 0) {
                    weights[bucket] = (float) (w.get(a, id) - w.get(b, id));
                }
            }
        }
        double bias = w.get(a, biasColumn) - w.get(b, biasColumn);
        return new InjectionModel(features, weights, bias, options.windowWords(), options.lengthPower(), 1, 0, 0.5, "training");
    }

    /** A binary liblinear model holds one weight vector for its first label, and the bias as the last weight. */
    private InjectionModel exportLibLinear(LibLinearModel<Label> tribuo) {
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
        return new InjectionModel(features, weights, bias, options.windowWords(), options.lengthPower(), 1, 0, 0.5, "training");
    }

    /** The export must give Tribuo's own probabilities: checked on a sample of units. */
    private void verify(org.tribuo.Model<Label> tribuo, InjectionModel model, List<Unit> units, Label attack) {
        Random random = new Random(options.seed());
        double worst = 0;
        for (int k = 0; k < Math.min(200, units.size()); k++) {
            Unit u = units.get(random.nextInt(units.size()));
            Example<Label> e = example(u, attack);
            double p = tribuo.predict(e).getOutputScores().get("attack").getScore();
            double scale = Math.pow(Math.max(1, u.end() - u.start()), -options.lengthPower());
            double mine = 1 / (1 + Math.exp(-(model.bias() + scale * sum(model, u.tokens(), u.start(), u.end()))));
            worst = Math.max(worst, Math.abs(p - mine));
        }
        if (worst > 1e-4) {
            throw new IllegalStateException("exported weights disagree with Tribuo's predictions by " + worst);
        }
    }

    /** The weight sum of tokens [start, end) with the bigrams inside (what the scorer adds for a window). */
    private double sum(InjectionModel model, Tokens t, int start, int end) {
        float[] weights = model.weights();
        double[] acc = new double[1];
        for (int i = start; i < end; i++) {
            features.positionFeatures(t, i, b -> acc[0] += weights[b]);
            if (i > start) {
                acc[0] += weights[features.bigramBucket(t, i)];
            }
        }
        return acc[0];
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
                    : benignByCategory.computeIfAbsent(r.category() == null ? "none" : r.category(), k -> new ArrayList<>())).add(r);
        }
        ObjectNode fpr = m.putObject("fprByCategory");
        benignByCategory.forEach((c, list) -> fpr.put(c, round(Metrics.fprAt(probabilities(model, list, false), model.threshold()))));
        ObjectNode n = m.putObject("benignByCategory");
        benignByCategory.forEach((c, list) -> n.put(c, list.size()));
        ObjectNode recall = m.putObject("recallBySource");
        attacksBySource.forEach((s, list) -> recall.put(s, round(Metrics.recallAt(probabilities(model, list, true), model.threshold()))));
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
    private static final class IntList {
        private int[] a = new int[256];
        private int n;

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, n * 2);
            }
            a[n++] = v;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
