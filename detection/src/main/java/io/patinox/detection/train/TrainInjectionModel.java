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
import java.util.Collections;
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
 *   <li>Training units are what the scorer reads. The scorer takes the most suspicious window of 16, 32 or 64
 *       tokens (a shorter text whole), a window's weight sum divided by the square root of the smallest size that
 *       holds it. Every window of a benign text is benign: up to {@code benignWindows} per size are trained on. A
 *       long attack is not attack in every window (an injected paragraph in a long e-mail), so it is trained in two
 *       rounds: first all its 64-token windows at a small weight, then the window the first model finds most
 *       suspicious (multiple-instance learning).</li>
 *   <li>Copies of half the short examples are padded with made-up words (both labels), so padding carries no
 *       weight.</li>
 *   <li>Weights: classes equal in total; inside each language the corpus' class balance (a language seen mostly
 *       in benign texts is no evidence of "benign"); inside a group holding both labels (a document with and
 *       without an injected instruction) the smaller side raised up to 5 times, so the carrier's words carry no
 *       evidence.</li>
 *   <li>Logistic regression by Tribuo's {@link LinearSGDTrainer} (log loss, AdaGrad, 2 epochs: the early stop is
 *       the regulariser) over the {@link Features hashed features}; {@code --optimiser liblinear} trains
 *       L2-regularised logistic regression with Tribuo's liblinear instead ({@code --lambda} = 1 / C).</li>
 *   <li>The weights are exported to the runtime format (checked against Tribuo's own predictions) and quantised as
 *       the file stores them; everything after that is measured with the runtime scorer ({@link InjectionModel}),
 *       decodings included.</li>
 *   <li>Platt calibration on the validation split, and the threshold for the target false-positive rate (1 %) on
 *       it; test metrics (and how many detected test attacks stay detected with 40 made-up words added) are
 *       reported and stored in the file, never used to choose anything.</li>
 * </ol>
 * Options (defaults are the shipped model's): {@code --epochs 2}, {@code --lr 0.05}, {@code --optimiser adagrad}
 * ({@code liblinear}, {@code liblinear-svm}, {@code pegasos}), {@code --lambda 1}, {@code --window 64},
 * {@code --min-window 16}, {@code --length-power 0.5}, {@code --benign-windows 12}, {@code --bits 19},
 * {@code --target-fpr 0.01}, {@code --seed N}, {@code --benign-weight 1}, {@code --no-augment}, {@code --no-mil},
 * {@code --no-language-balance}, {@code --no-contrast-balance}, {@code --corpus-summary summary.json} (default:
 * the split dir's or its parent's), {@code --report file.json}.
 */
public final class TrainInjectionModel {

    /** Training settings. */
    record Options(int epochs, double learningRate, String optimiser, double lambda, int windowWords, int minWindowWords,
                   double lengthPower, int bits, double targetFpr, long seed, boolean augment, boolean mil, double benignWeight,
                   boolean balanceLanguages, boolean balanceContrast, int benignWindows) {

        StochasticGradientOptimiser create() {
            return switch (optimiser) {
                case "liblinear", "liblinear-svm" -> null;
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
    /** Thresholds for the operating false-positive rates, from the validation split. */
    private final Map<String, Double> thresholds = new TreeMap<>();

    TrainInjectionModel(Options options) {
        this.options = options;
        this.features = new Features(options.bits(), 3, 5, 40);
        this.names = new String[features.dimension()];
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: TrainInjectionModel <split dir> <model.json> [options: see the class comment]");
            System.exit(2);
        }
        Path splitDir = Path.of(args[0]);
        Path modelFile = Path.of(args[1]);
        int epochs = 2, window = 64, bits = 19;
        double lengthPower = 0.5, benignWeight = 1;
        int minWindow = 16;
        boolean balanceLanguages = true, balanceContrast = true;
        int benignWindows = 12;
        double lr = 0.05, targetFpr = 0.01, lambda = 1;
        String optimiser = "adagrad";
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
                case "--min-window" -> minWindow = Integer.parseInt(args[++i]);
                case "--no-language-balance" -> balanceLanguages = false;
                case "--no-contrast-balance" -> balanceContrast = false;
                case "--benign-windows" -> benignWindows = Integer.parseInt(args[++i]);
                case "--bits" -> bits = Integer.parseInt(args[++i]);
                case "--target-fpr" -> targetFpr = Double.parseDouble(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--no-augment" -> augment = false;
                case "--no-mil" -> mil = false;
                case "--benign-weight" -> benignWeight = Double.parseDouble(args[++i]);
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
        Options options = new Options(epochs, lr, optimiser, lambda, window, Math.min(minWindow, window), lengthPower, bits, targetFpr, seed, augment, mil, benignWeight, balanceLanguages, balanceContrast, benignWindows);
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
        ObjectNode operating = extra.putObject("thresholds");
        trainer.thresholds.forEach(operating::put);
        extra.put("trainedOn", splitDir.toString().replace('\\', '/'));
        extra.set("metrics", metrics);
        ObjectNode training = extra.putObject("training");
        training.put("trainer", "Tribuo 4.3.2 LinearSGDTrainer, LogMulticlass");
        training.put("optimiser", optimiser);
        training.put("epochs", epochs);
        training.put("learningRate", lr);
        training.put("lambda", lambda);
        training.put("benignWeight", benignWeight);
        training.put("windowWords", window);
        training.put("minWindowWords", Math.min(minWindow, window));
        training.put("balanceLanguages", balanceLanguages);
        training.put("balanceContrast", balanceContrast);
        training.put("benignWindowsPerScale", benignWindows);
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
        double[] languageWeight = options.balanceLanguages() ? languageWeights(train) : null;
        if (options.balanceContrast()) {
            languageWeight = contrastWeights(train, languageWeight);
        }
        Random sampler = new Random(options.seed() + 2);
        for (int i = 0; i < train.size(); i++) {
            Tokens t = tokens.get(i);
            boolean attack = train.get(i).attack();
            double lw = languageWeight == null ? 1 : languageWeight[i];
            List<int[]> windows = InjectionModel.windows(t.size(), w, stride);
            if (attack && windows.size() > 1) {
                longAttacks.add(i);
            } else if (attack) {
                base.add(new Unit(t, 0, t.size(), true, lw));
            } else {
                // Every window of a benign text is benign, at every scale the scorer reads; a few per scale.
                List<int[]> all = new ArrayList<>();
                for (int size = options.minWindowWords(); ; size = Math.min(size * 2, w)) {
                    List<int[]> scale = InjectionModel.windows(t.size(), size, Math.max(1, size / 2));
                    if (scale.size() > options.benignWindows()) {
                        Collections.shuffle(scale, sampler);
                        scale = scale.subList(0, options.benignWindows());
                    }
                    for (int[] x : scale) {
                        if (all.stream().noneMatch(y -> y[0] == x[0] && y[1] == x[1])) {
                            all.add(x);
                        }
                    }
                    if (size >= w || size >= t.size()) {
                        break;
                    }
                }
                double weight = lw / Math.sqrt(all.size());
                all.forEach(x -> base.add(new Unit(t, x[0], x[1], false, weight)));
            }
        }
        if (options.augment()) {
            base.addAll(padded(train, tokens));
        }
        List<Unit> units = new ArrayList<>(base);
        for (int i : longAttacks) {
            Tokens t = tokens.get(i);
            List<int[]> windows = InjectionModel.windows(t.size(), w, stride);
            double lw = languageWeight == null ? 1 : languageWeight[i];
            windows.forEach(x -> units.add(new Unit(t, x[0], x[1], true, lw / windows.size())));
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
                second.add(new Unit(t, best[0], best[1], true, languageWeight == null ? 1 : languageWeight[i]));
            }
            model = fit(second, "round 2");
        }
        model = model.quantised();
        boolean[] labels = new boolean[validation.size()];
        double[] logits = new double[validation.size()];
        for (int i = 0; i < validation.size(); i++) {
            labels[i] = validation.get(i).attack();
            logits[i] = model.score(validation.get(i).text()).logit();
        }
        // Calibration and operating point on the validation split, with the runtime scorer.
        double[] ab = Platt.fit(logits, labels);
        InjectionModel calibrated = model.withCalibration(ab[0], ab[1], 0.5);
        double[] benign = probabilities(calibrated, validation, false);
        double threshold = Metrics.thresholdForFpr(benign, options.targetFpr());
        threshold = Math.min(1, Math.max(threshold, Double.MIN_NORMAL));
        String version = LocalDate.now(ZoneOffset.UTC) + "-" + corpusSha.substring(0, Math.min(8, corpusSha.length()));
        log.add(String.format(Locale.ROOT, "Platt a=%.4f b=%.4f; threshold %.4f for FPR <= %.3f on %d validation benign",
                ab[0], ab[1], threshold, options.targetFpr(), benign.length));
        for (double fpr : InjectionModel.OPERATING_FPRS) {
            thresholds.put(InjectionModel.fprKey(fpr), Math.min(1, Math.max(Metrics.thresholdForFpr(benign, fpr), Double.MIN_NORMAL)));
        }
        return model.withCalibration(ab[0], ab[1], threshold).withVersion(version);
    }

    /**
     * Per-row weights that give every language the class balance of the whole corpus: without them, a language
     * seen mostly in benign texts (Japanese questions, say) would itself count as evidence of "benign". A row's
     * language is its {@code lang}, else its script ({@code en} for Latin). The correction is split between the
     * classes (square root each way) and capped at 4.
     */
    private double[] languageWeights(List<CorpusRow> train) {
        Map<String, double[]> counts = new TreeMap<>();
        double attacks = 0, all = 0;
        String[] lang = new String[train.size()];
        for (int i = 0; i < train.size(); i++) {
            lang[i] = languageOf(train.get(i));
            double[] c = counts.computeIfAbsent(lang[i], k -> new double[2]);
            c[train.get(i).attack() ? 1 : 0]++;
            attacks += train.get(i).attack() ? 1 : 0;
            all++;
        }
        double ratio = attacks / (all - attacks);
        double[] weights = new double[train.size()];
        Map<String, String> report = new TreeMap<>();
        for (int i = 0; i < train.size(); i++) {
            double[] c = counts.get(lang[i]);
            double f = c[1] == 0 || c[0] == 0 ? 1 : ratio * c[0] / c[1];
            double up = Math.min(4, Math.max(0.25, Math.sqrt(f)));
            weights[i] = train.get(i).attack() ? up : 1 / up;
            report.put(lang[i], String.format(Locale.ROOT, "%.0f/%.0f x%.2f", c[1], c[0], up));
        }
        log.add("language balance (attack/benign, attack weight): " + report);
        return weights;
    }

    /**
     * In a group that holds both labels (a document with and without an injected instruction, say), both classes
     * get the same total weight, so the carrier's own words carry no evidence: only what differs does.
     */
    private double[] contrastWeights(List<CorpusRow> train, double[] base) {
        Map<String, double[]> perGroup = new java.util.HashMap<>();
        for (CorpusRow r : train) {
            perGroup.computeIfAbsent(r.group(), k -> new double[2])[r.attack() ? 1 : 0]++;
        }
        double[] weights = new double[train.size()];
        int groups = 0;
        for (int i = 0; i < train.size(); i++) {
            double[] c = perGroup.get(train.get(i).group());
            double w = base == null ? 1 : base[i];
            if (c[0] > 0 && c[1] > 0) {
                // Scale the smaller side up to the larger one (at most 5 times).
                double mine = train.get(i).attack() ? c[1] : c[0];
                double other = train.get(i).attack() ? c[0] : c[1];
                w *= Math.max(1, Math.min(5, other / mine));
            }
            weights[i] = w;
        }
        for (double[] c : perGroup.values()) {
            groups += c[0] > 0 && c[1] > 0 ? 1 : 0;
        }
        log.add("contrast groups (both labels) balanced: " + groups);
        return weights;
    }

    /** The row's language, or its script when it names none. */
    static String languageOf(CorpusRow row) {
        if (row.lang() != null && !row.lang().isBlank()) {
            return row.lang();
        }
        Map<Character.UnicodeScript, Integer> scripts = new java.util.EnumMap<>(Character.UnicodeScript.class);
        String text = row.text();
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLetter(cp)) {
                scripts.merge(Character.UnicodeScript.of(cp), 1, Integer::sum);
            }
        }
        if (scripts.containsKey(Character.UnicodeScript.HIRAGANA) || scripts.containsKey(Character.UnicodeScript.KATAKANA)) {
            return "ja";
        }
        var top = scripts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                .orElse(Character.UnicodeScript.LATIN);
        return switch (top) {
            case LATIN -> "en";
            case HAN -> "zh";
            case HANGUL -> "ko";
            case CYRILLIC -> "ru";
            case ARABIC -> "ar";
            case DEVANAGARI -> "hi";
            default -> top.name().toLowerCase(Locale.ROOT);
        };
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
        // Equal total weight per class, then the benign side times benignWeight.
        double scaleAttack = total / (2 * attackWeight);
        double scaleBenign = options.benignWeight() * total / (2 * benignWeight);
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
        if (options.optimiser().startsWith("liblinear")) {
            // L2-regularised logistic regression (or L2-loss SVM), primal trust-region Newton; C = 1 / lambda.
            var type = options.optimiser().equals("liblinear-svm") ? LinearClassificationType.LinearType.L2R_L2LOSS_SVC
                    : LinearClassificationType.LinearType.L2R_LR;
            tribuo = new LibLinearClassificationTrainer(new LinearClassificationType(type),
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

    /** The scorer's divisor for a run of {@code length} tokens. */
    private double normaliser(int length) {
        return InjectionModel.normaliser(length, InjectionModel.windowSizes(options.minWindowWords(), options.windowWords()),
                options.lengthPower());
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
        double scale = 1 / normaliser(u.end() - u.start());
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
        return new InjectionModel(features, weights, bias, options.windowWords(), options.minWindowWords(), options.lengthPower(), 1, 0, 0.5, "training");
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
        return new InjectionModel(features, weights, bias, options.windowWords(), options.minWindowWords(), options.lengthPower(), 1, 0, 0.5, "training");
    }

    /**
     * The export must give Tribuo's own predictions: the same probabilities (logistic regression) or the same
     * decisions (SVM), checked on a sample of units.
     */
    private void verify(org.tribuo.Model<Label> tribuo, InjectionModel model, List<Unit> units, Label attack) {
        Random random = new Random(options.seed());
        double worst = 0;
        int disagree = 0;
        for (int k = 0; k < Math.min(200, units.size()); k++) {
            Unit u = units.get(random.nextInt(units.size()));
            Example<Label> e = example(u, attack);
            double scale = 1 / normaliser(u.end() - u.start());
            double logit = model.bias() + scale * sum(model, u.tokens(), u.start(), u.end());
            var prediction = tribuo.predict(e);
            if (tribuo.generatesProbabilities()) {
                double p = prediction.getOutputScores().get("attack").getScore();
                worst = Math.max(worst, Math.abs(p - 1 / (1 + Math.exp(-logit))));
            } else if (Math.abs(logit) > 1e-6 && (prediction.getOutput().getLabel().equals("attack")) != (logit > 0)) {
                disagree++;
            }
        }
        if (worst > 1e-4 || disagree > 0) {
            throw new IllegalStateException("exported weights disagree with Tribuo's predictions (max difference "
                    + worst + ", " + disagree + " decisions)");
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
