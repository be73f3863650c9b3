package io.patinox.detection.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patinox.detection.text.Deobfuscator;
import io.patinox.detection.text.TextNormalizer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * The runtime side of the injection model: logistic regression over {@link Features hashed n-grams}, read from
 * its JSON file (written by {@code TrainInjectionModel}) and scored without any training library.
 * <p>
 * A text is scored by its most suspicious window: every run of {@code windowWords} consecutive tokens (a
 * shorter text as a whole), in linear time from prefix sums of the tokens' weights, so neither a long benign
 * document nor padding around an attack outvotes the attack. The same is done for the text's
 * {@linkplain Deobfuscator decoded readings} (base64, hex, URL encoding, ROT13, leetspeak, spaced letters) and
 * the highest score counts. The raw score (log-odds) is mapped to a probability with the Platt calibration
 * fitted on the validation split; {@link #threshold()} is the operating point chosen there for a target
 * false-positive rate.
 * <p>
 * File format ({@code format: patinox-injection-lr}, {@code formatVersion: 1}): {@code features} (bits, minN,
 * maxN, maxTokenChars), {@code windowWords}, {@code bias}, {@code weightScale} and {@code weights} (base64 of
 * little-endian int16, weight = value * weightScale, one per bucket), {@code calibration} ({@code a}, {@code b}:
 * P = 1 / (1 + exp(-(a * score + b)))), {@code threshold} (for {@code targetFpr}) and {@code thresholds} (per
 * false-positive rate, for policies that choose another operating point), and for people: {@code modelVersion},
 * {@code corpusSha256}, {@code targetFpr}, {@code metrics}, {@code training}.
 */
public final class InjectionModel {

    /** The {@code format} field of a model file. */
    public static final String FORMAT = "patinox-injection-lr";
    /** The format version this code reads and writes. */
    public static final int FORMAT_VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Characters of unchanged text read on either side of what a decoding changed. */
    static final int DECODE_CONTEXT = 2_000;
    /** Texts up to this length are searched for encoded runs whole; longer ones by their head and tail. */
    static final int DECODE_WHOLE = 100_000;

    private final Features features;
    private final float[] weights;
    private final double bias;
    private final int windowWords;
    private final int minWindowWords;
    private final int[] windowSizes;
    private final double lengthPower;
    private final double calibrationA;
    private final double calibrationB;
    private final double threshold;
    private final String version;
    private final ObjectNode file;

    /**
     * A model from its parts (the trainer's view; files are {@linkplain #read read}).
     *
     * @param features    how texts become buckets
     * @param weights     one weight per bucket
     * @param bias        the intercept
     * @param windowWords tokens per window (the largest window)
     * @param minWindowWords the smallest window; sizes double from it up to windowWords
     * @param lengthPower a window's sum is divided by its token count to this power
     * @param a           Platt slope
     * @param b           Platt intercept
     * @param threshold   the probability from which a text counts as an attack
     * @param version     the model's version, for findings and logs
     */
    public InjectionModel(Features features, float[] weights, double bias, int windowWords, int minWindowWords, double lengthPower, double a, double b,
                          double threshold, String version) {
        this(features, weights, bias, windowWords, minWindowWords, lengthPower, a, b, threshold, version, null);
    }

    private InjectionModel(Features features, float[] weights, double bias, int windowWords, int minWindowWords, double lengthPower, double a, double b,
                           double threshold, String version, ObjectNode file) {
        if (weights.length != features.dimension()) {
            throw new IllegalArgumentException("expected " + features.dimension() + " weights, got " + weights.length);
        }
        if (windowWords < 4 || minWindowWords < 1 || minWindowWords > windowWords) {
            throw new IllegalArgumentException("windows must satisfy 1 <= minWindowWords <= windowWords, 4 <= windowWords: "
                    + minWindowWords + ", " + windowWords);
        }
        if (!(threshold > 0 && threshold <= 1)) {
            throw new IllegalArgumentException("threshold must be in (0, 1]: " + threshold);
        }
        this.features = features;
        this.weights = weights;
        this.bias = bias;
        this.windowWords = windowWords;
        this.minWindowWords = minWindowWords;
        this.windowSizes = windowSizes(minWindowWords, windowWords);
        this.lengthPower = lengthPower;
        this.calibrationA = a;
        this.calibrationB = b;
        this.threshold = threshold;
        this.version = version;
        this.file = file;
    }

    /** The same model with another calibration and threshold (the trainer sets them after fitting). */
    public InjectionModel withCalibration(double a, double b, double newThreshold) {
        return new InjectionModel(features, weights, bias, windowWords, minWindowWords, lengthPower, a, b, newThreshold, version, file);
    }

    /** The same model under another version name. */
    public InjectionModel withVersion(String newVersion) {
        return new InjectionModel(features, weights, bias, windowWords, minWindowWords, lengthPower, calibrationA, calibrationB, threshold,
                newVersion, file);
    }

    /** How a text scored: the calibrated probability, the raw log-odds and which reading of the text gave it. */
    public record Score(double probability, double logit, String reading) {
    }

    /** The score of {@code raw}: the highest over the text and its decoded readings. */
    public Score score(String raw) {
        String normalised = TextNormalizer.normalize(raw);
        double best = logit(normalised.toLowerCase(Locale.ROOT));
        String reading = "text";
        // Decodings read the normalised text before lower-casing: base64 is case-sensitive. Of a very long text,
        // its head and tail (an encoded payload hides in a prompt, rarely in the middle of a megabyte of data).
        String decodable = normalised.length() <= DECODE_WHOLE ? normalised
                : normalised.substring(0, DECODE_WHOLE / 2) + "\n" + normalised.substring(normalised.length() - DECODE_WHOLE / 2);
        for (String variant : Deobfuscator.variants(decodable)) {
            // Windows away from what the decoding changed are the text's own, already scored: read the changed
            // region with DECODE_CONTEXT characters either side (more than any window reaches in ordinary text).
            int prefix = commonPrefix(decodable, variant);
            int suffix = commonSuffix(decodable, variant, prefix);
            int from = Math.max(0, prefix - DECODE_CONTEXT);
            int to = Math.max(from, variant.length() - Math.max(0, suffix - DECODE_CONTEXT));
            double l = logit(Features.prepare(variant.substring(from, to)));
            if (l > best) {
                best = l;
                reading = "decoded text";
            }
        }
        return new Score(calibrate(best), best, reading);
    }

    private static int commonPrefix(String a, String b) {
        int n = Math.min(a.length(), b.length());
        int i = 0;
        while (i < n && a.charAt(i) == b.charAt(i)) {
            i++;
        }
        return i;
    }

    /** The length of the common suffix of a and b that does not overlap their common prefix. */
    private static int commonSuffix(String a, String b, int prefix) {
        int n = Math.min(a.length(), b.length()) - prefix;
        int i = 0;
        while (i < n && a.charAt(a.length() - 1 - i) == b.charAt(b.length() - 1 - i)) {
            i++;
        }
        return i;
    }

    /** P(attack) of {@code raw}, as {@link #score(String)} computes it. */
    public double probability(String raw) {
        return score(raw).probability();
    }

    /** Whether {@code raw} reaches the model's operating threshold. */
    public boolean isAttack(String raw) {
        return probability(raw) >= threshold;
    }

    /** The calibrated probability of a raw score. */
    public double calibrate(double logit) {
        return 1 / (1 + Math.exp(-(calibrationA * logit + calibrationB)));
    }

    /** The raw log-odds of a prepared text: that of its most suspicious window. */
    public double logit(String prepared) {
        Tokens t = Tokens.of(prepared);
        int n = t.size();
        if (n == 0) {
            return bias;
        }
        // c[i]: unigram and char n-grams of token i; g[i]: bigram (i-1, i).
        double[] prefixC = new double[n + 1];
        double[] prefixG = new double[n + 1];
        for (int i = 0; i < n; i++) {
            prefixC[i + 1] = prefixC[i] + features.positionWeight(t, i, weights);
            prefixG[i + 1] = prefixG[i] + (i > 0 ? weights[features.bigramBucket(t, i)] : 0);
        }
        double best = Double.NEGATIVE_INFINITY;
        int previous = -1;
        for (int size : windowSizes) {
            int w = Math.min(size, n);
            if (w == previous) {
                continue;
            }
            previous = w;
            double max = Double.NEGATIVE_INFINITY;
            for (int s = 0; s + w <= n; s++) {
                // Tokens s..s+w-1 and the bigrams inside the window (s+1..s+w-1).
                double sum = prefixC[s + w] - prefixC[s] + prefixG[s + w] - prefixG[s + 1];
                if (sum > max) {
                    max = sum;
                }
            }
            best = Math.max(best, max / normaliser(w, windowSizes, lengthPower));
        }
        return bias + best;
    }

    /**
     * The window sizes scored: {@code minWindowWords}, doubled until {@code windowWords}, and {@code windowWords}.
     * With one size (min = max) a window's sum is all that counts; with several, a short run of suspicious words
     * is found at its own scale, so padding around it (which lengthens the text) cannot lower its score.
     */
    public int[] windowSizes() {
        return windowSizes.clone();
    }

    /** {@code min}, doubled while below {@code max}, then {@code max}. */
    public static int[] windowSizes(int min, int max) {
        java.util.List<Integer> sizes = new java.util.ArrayList<>();
        for (int size = min; size < max; size *= 2) {
            sizes.add(size);
        }
        sizes.add(max);
        return sizes.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * What the weight sum of a run of {@code length} tokens is divided by: the smallest window size that holds it,
     * to the power {@code lengthPower}. A run is always normalised as one of the window sizes, so padding a short
     * text (which the smallest window that holds the text still covers) never divides its words by more.
     */
    public static double normaliser(int length, int[] sizes, double lengthPower) {
        if (lengthPower == 0) {
            return 1;
        }
        for (int size : sizes) {
            if (length <= size) {
                return Math.pow(size, lengthPower);
            }
        }
        return Math.pow(sizes[sizes.length - 1], lengthPower);
    }

    /** The smallest window size. */
    public int minWindowWords() {
        return minWindowWords;
    }

    /** A window's weight sum is divided by its size to this power (0: plain sums); see {@link #normaliser}. */
    public double lengthPower() {
        return lengthPower;
    }

    /** The false-positive rates the trainer writes a threshold for ({@code thresholds} in the file). */
    public static final double[] OPERATING_FPRS = {0.01, 0.02, 0.05};

    /** The key of a false-positive rate in {@code thresholds}: "0.01". */
    public static String fprKey(double fpr) {
        return String.format(Locale.ROOT, "%.2f", fpr);
    }

    /**
     * The threshold the trainer chose on the validation split for false-positive rate {@code fpr} (one of
     * {@link #OPERATING_FPRS}), if the file has it.
     */
    public java.util.OptionalDouble thresholdForFpr(double fpr) {
        JsonNode t = file == null ? null : file.path("thresholds").get(fprKey(fpr));
        return t == null || !t.isNumber() ? java.util.OptionalDouble.empty() : java.util.OptionalDouble.of(t.asDouble());
    }

    /** The operating threshold on the calibrated probability. */
    public double threshold() {
        return threshold;
    }

    /** Tokens per window. */
    public int windowWords() {
        return windowWords;
    }

    /** The model's version (date and corpus hash), as written by the trainer. */
    public String version() {
        return version;
    }

    /** The feature configuration. */
    public Features features() {
        return features;
    }

    /** The weight of every bucket (do not modify). */
    public float[] weights() {
        return weights;
    }

    /** The intercept. */
    public double bias() {
        return bias;
    }

    /** The file's fields beyond the scoring ones (metrics, training, corpus hash), or an empty object. */
    public ObjectNode metadata() {
        return file == null ? JSON.createObjectNode() : file.deepCopy();
    }

    /** Reads a model file, refusing another format or version. */
    public static InjectionModel read(Path path) {
        try {
            return parse(Files.readAllBytes(path));
        } catch (IOException e) {
            throw new UncheckedIOException(path + ": cannot read the model: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(path + ": " + e.getMessage(), e);
        }
    }

    /** Parses a model file's bytes. */
    public static InjectionModel parse(byte[] json) throws IOException {
        JsonNode root = JSON.readTree(json);
        if (!(root instanceof ObjectNode node)) {
            throw new IllegalArgumentException("a model file is a JSON object");
        }
        String format = node.path("format").asText("");
        if (!FORMAT.equals(format)) {
            throw new IllegalArgumentException("not a " + FORMAT + " model (format '" + format + "')"
                    + (node.has("tokens") ? "; naive Bayes models are retired, use models/injection-lr.json" : ""));
        }
        int formatVersion = node.path("formatVersion").asInt(-1);
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + formatVersion + ", expected " + FORMAT_VERSION);
        }
        JsonNode f = required(node, "features");
        Features features = new Features(required(f, "bits").asInt(), required(f, "minN").asInt(),
                required(f, "maxN").asInt(), required(f, "maxTokenChars").asInt());
        double scale = required(node, "weightScale").asDouble();
        byte[] packed = Base64.getDecoder().decode(required(node, "weights").asText());
        if (packed.length != 2 * features.dimension()) {
            throw new IllegalArgumentException("weights hold " + packed.length / 2 + " values, expected "
                    + features.dimension());
        }
        ByteBuffer buffer = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN);
        float[] weights = new float[features.dimension()];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) (buffer.getShort() * scale);
        }
        JsonNode calibration = required(node, "calibration");
        node.remove("weights");
        return new InjectionModel(features, weights, required(node, "bias").asDouble(),
                required(node, "windowWords").asInt(), node.path("minWindowWords").asInt(required(node, "windowWords").asInt()),
                node.path("lengthPower").asDouble(0), required(calibration, "a").asDouble(),
                required(calibration, "b").asDouble(), required(node, "threshold").asDouble(),
                node.path("modelVersion").asText("unversioned"), node);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    /**
     * Quantises the weights to int16 (the file's form) and back, so that what the trainer measures is exactly
     * what a service loading the file will compute.
     */
    public InjectionModel quantised() {
        double scale = weightScale(weights);
        float[] q = new float[weights.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = (float) (quantise(weights[i], scale) * scale);
        }
        return new InjectionModel(features, q, bias, windowWords, minWindowWords, lengthPower, calibrationA, calibrationB, threshold, version, file);
    }

    private static double weightScale(float[] weights) {
        double max = 0;
        for (float w : weights) {
            max = Math.max(max, Math.abs(w));
        }
        return max == 0 ? 1 : max / Short.MAX_VALUE;
    }

    private static short quantise(float w, double scale) {
        return (short) Math.max(-Short.MAX_VALUE, Math.min(Short.MAX_VALUE, Math.round(w / scale)));
    }

    /**
     * The model as a file: the scoring fields followed by {@code extra} (metrics, training, corpus hash) in
     * their order.
     */
    public byte[] toJson(ObjectNode extra) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("generatedBy", "Generated by io.patinox.detection.train.TrainInjectionModel; do not edit");
        root.put("format", FORMAT);
        root.put("formatVersion", FORMAT_VERSION);
        root.put("modelVersion", version);
        ObjectNode f = root.putObject("features");
        f.put("bits", features.bits());
        f.put("minN", features.minN());
        f.put("maxN", features.maxN());
        f.put("maxTokenChars", features.maxTokenChars());
        f.put("kinds", "word unigrams, word bigrams, char n-grams of <word>; counts; lower-cased, TextNormalizer");
        root.put("windowWords", windowWords);
        root.put("minWindowWords", minWindowWords);
        root.put("lengthPower", lengthPower);
        root.put("bias", bias);
        ObjectNode calibration = root.putObject("calibration");
        calibration.put("method", "platt");
        calibration.put("a", calibrationA);
        calibration.put("b", calibrationB);
        root.put("threshold", threshold);
        if (extra != null) {
            root.setAll(extra);
        }
        double scale = weightScale(weights);
        ByteBuffer buffer = ByteBuffer.allocate(2 * weights.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float w : weights) {
            buffer.putShort(quantise(w, scale));
        }
        root.put("weightScale", scale);
        root.put("weights", Base64.getEncoder().encodeToString(buffer.array()));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    /** Windows of tokens as the scorer reads them, for the trainer: [start, end) pairs covering the text. */
    public static List<int[]> windows(int tokens, int windowWords, int stride) {
        List<int[]> out = new java.util.ArrayList<>();
        if (tokens <= windowWords) {
            out.add(new int[] {0, tokens});
            return out;
        }
        int s = 0;
        while (true) {
            out.add(new int[] {s, s + windowWords});
            if (s + windowWords >= tokens) {
                break;
            }
            s = Math.min(s + stride, tokens - windowWords);
        }
        return out;
    }
}
