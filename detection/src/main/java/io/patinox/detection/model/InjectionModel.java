package io.patinox.detection.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patinox.detection.text.Deobfuscator;
import io.patinox.detection.text.TextNormalizer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The injection model at run time: logistic regression over the {@linkplain TfIdfFeatures tf-idf of hashed n-grams}
 * of a text, read as the most suspicious of
 * <ul>
 * <li>the whole text,</li>
 * <li>and, in a text longer than the smallest window, every window of {@code windows[i]} units (a half window
 * apart): an instruction planted in a long document is read at its own scale, and padding around an attack
 * cannot dilute it;</li>
 * <li>the same for the text's decoded readings ({@link Deobfuscator}: base64, hex, URL encoding, ROT13, leetspeak,
 * spaced letters).</li>
 * </ul>
 * The log-odds map to P(attack) by Platt calibration; the file holds thresholds for operating false-positive rates.
 * Instances are immutable and thread-safe. Design and measurements: docs/adr/0007-injection-model.md.
 */
public final class InjectionModel {

    /** The {@code format} field of a model file. */
    public static final String FORMAT = "patinox-injection-tfidf";
    /** The version of that format this class reads and writes. */
    public static final int FORMAT_VERSION = 2;
    /** The false-positive rates whose thresholds the file holds. */
    public static final double[] OPERATING_FPRS = { 0.01, 0.02, 0.05 };

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Characters of a decoded reading scored either side of what the decoding changed. */
    static final int DECODE_CONTEXT = 2_000;
    /** Of a longer text, its head and tail this long together are decoded and scored. */
    static final int LONGEST_SCORED = 100_000;

    private final TfIdfFeatures features;
    private final float[] idf;
    private final float[] weights;
    private final double bias;
    private final int[] windows;
    private final double calibrationA;
    private final double calibrationB;
    private final double threshold;
    private final Map<String, Double> thresholds;
    private final String version;
    private final ObjectNode file;

    /**
     * A model over {@code features}: {@code idf} and {@code weights} per bucket (dense, {@code features.dimension()}),
     * windows in units (ascending), Platt calibration {@code a}, {@code b}, the operating threshold.
     */
    public InjectionModel(TfIdfFeatures features, float[] idf, float[] weights, double bias, int[] windows, double a,
            double b, double threshold, Map<String, Double> thresholds, String version) {
        this(features, idf, weights, bias, windows, a, b, threshold, thresholds, version, null);
    }

    private InjectionModel(TfIdfFeatures features, float[] idf, float[] weights, double bias, int[] windows, double a,
            double b, double threshold, Map<String, Double> thresholds, String version, ObjectNode file) {
        if (idf.length != features.dimension() || weights.length != features.dimension()) {
            throw new IllegalArgumentException("idf and weights need " + features.dimension() + " values");
        }
        this.features = features;
        this.idf = idf;
        this.weights = weights;
        this.bias = bias;
        this.windows = windows.clone();
        Arrays.sort(this.windows);
        this.calibrationA = a;
        this.calibrationB = b;
        this.threshold = threshold;
        this.thresholds = Map.copyOf(thresholds);
        this.version = version;
        this.file = file;
    }

    /** The same model with another calibration, operating threshold and thresholds per false-positive rate. */
    public InjectionModel withCalibration(double a, double b, double newThreshold, Map<String, Double> newThresholds) {
        return new InjectionModel(features, idf, weights, bias, windows, a, b, newThreshold, newThresholds, version, file);
    }

    /** The same model under another version name. */
    public InjectionModel withVersion(String newVersion) {
        return new InjectionModel(features, idf, weights, bias, windows, calibrationA, calibrationB, threshold,
                thresholds, newVersion, file);
    }

    /** How a text scored: the calibrated probability, the raw log-odds and which reading of the text gave it. */
    public record Score(double probability, double logit, String reading) {
    }

    /** The score of {@code raw}: the highest over the text, its windows and its decoded readings. */
    public Score score(String raw) {
        String normalised = TextNormalizer.normalize(raw);
        if (normalised.length() > LONGEST_SCORED) {
            normalised = normalised.substring(0, LONGEST_SCORED / 2) + "\n"
                    + normalised.substring(normalised.length() - LONGEST_SCORED / 2);
        }
        double best = logit(normalised.toLowerCase(Locale.ROOT));
        String reading = "text";
        for (String variant : Deobfuscator.variants(normalised)) {
            // Away from what the decoding changed, the reading is the text itself, already scored: read the changed
            // region with DECODE_CONTEXT characters either side.
            int prefix = commonPrefix(normalised, variant);
            int suffix = commonSuffix(normalised, variant, prefix);
            int from = Math.max(0, prefix - DECODE_CONTEXT);
            int to = Math.max(from, variant.length() - Math.max(0, suffix - DECODE_CONTEXT));
            double l = logit(TfIdfFeatures.prepare(variant.substring(from, to)));
            if (l > best) {
                best = l;
                reading = "decoded text";
            }
        }
        return new Score(calibrate(best), best, reading);
    }

    /** P(attack) of {@code raw}, as {@link #score(String)} computes it. */
    public double probability(String raw) {
        return score(raw).probability();
    }

    /** Whether {@code raw} reaches the model's operating threshold. */
    public boolean isAttack(String raw) {
        return probability(raw) >= threshold;
    }

    /** The calibrated probability of raw log-odds. */
    public double calibrate(double logit) {
        return 1 / (1 + Math.exp(-(calibrationA * logit + calibrationB)));
    }

    /** The raw log-odds of a prepared text: the highest of the whole text and its windows. */
    public double logit(String prepared) {
        TfIdfFeatures.Units units = features.units(prepared);
        int n = units.size();
        Counts counts = new Counts(64);
        double best = logit(units, 0, n, counts);
        for (int size : windows) {
            if (n <= size) {
                break;
            }
            int step = Math.max(1, size / 2);
            for (int s = 0;; s += step) {
                int e = Math.min(n, s + size);
                best = Math.max(best, logit(units, Math.max(0, e - size), e, counts));
                if (e == n) {
                    break;
                }
            }
        }
        return best;
    }

    /** The log-odds of units [from, to), leaving out the bigram that reaches back before {@code from}. */
    public double logit(TfIdfFeatures.Units units, int from, int to, Counts counts) {
        counts.clear();
        for (int u = from; u < to; u++) {
            for (int bucket : units.features()[u]) {
                counts.add(bucket);
            }
        }
        if (from > 0 && units.link()[from] >= 0) {
            counts.remove(units.link()[from]);
        }
        return bias + dot(counts);
    }

    /** The tf-idf vector of the counted buckets, each block at unit length, dotted with the weights. */
    private double dot(Counts counts) {
        int block = features.blockSize();
        double[] vw = new double[2];
        double[] vv = new double[2];
        counts.forEach((bucket, count) -> {
            float f = idf[bucket];
            if (f == 0) {
                return;
            }
            double v = (1 + Math.log(count)) * f;
            int k = bucket < block ? 0 : 1;
            vw[k] += v * weights[bucket];
            vv[k] += v * v;
        });
        double sum = 0;
        for (int k = 0; k < 2; k++) {
            if (vv[k] > 0) {
                sum += vw[k] / Math.sqrt(vv[k]);
            }
        }
        return sum;
    }

    /**
     * The unit-length tf-idf vector of units [from, to) as the model reads it: sorted buckets and their values (the
     * trainer's examples are exactly these).
     */
    public SparseVector vector(TfIdfFeatures.Units units, int from, int to) {
        return vector(features, idf, units, from, to);
    }

    /** {@link #vector(TfIdfFeatures.Units, int, int)} for a given idf table (the trainer's, before a model exists). */
    public static SparseVector vector(TfIdfFeatures features, float[] idf, TfIdfFeatures.Units units, int from, int to) {
        Counts counts = new Counts(64);
        for (int u = from; u < to; u++) {
            for (int bucket : units.features()[u]) {
                counts.add(bucket);
            }
        }
        if (from > 0 && units.link()[from] >= 0) {
            counts.remove(units.link()[from]);
        }
        int[] index = new int[counts.size()];
        double[] value = new double[counts.size()];
        int[] n = { 0 };
        counts.forEach((bucket, count) -> {
            if (idf[bucket] != 0) {
                index[n[0]] = bucket;
                value[n[0]] = (1 + Math.log(count)) * idf[bucket];
                n[0]++;
            }
        });
        SparseVector v = new SparseVector(Arrays.copyOf(index, n[0]), Arrays.copyOf(value, n[0])).sorted();
        return v.normalisedPerBlock(features.blockSize());
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

    /** The key of a false-positive rate in {@code thresholds} ({@code "0.01"}). */
    public static String fprKey(double fpr) {
        return String.format(Locale.ROOT, "%.2f", fpr);
    }

    /** The threshold for a false-positive rate, if the file holds one. */
    public OptionalDouble thresholdForFpr(double fpr) {
        Double t = thresholds.get(fprKey(fpr));
        return t == null ? OptionalDouble.empty() : OptionalDouble.of(t);
    }

    /** The operating threshold on P(attack). */
    public double threshold() {
        return threshold;
    }

    /** The thresholds per false-positive rate. */
    public Map<String, Double> thresholds() {
        return thresholds;
    }

    /** The window sizes in units. */
    public int[] windows() {
        return windows.clone();
    }

    /** The model's version (training date and corpus hash). */
    public String version() {
        return version;
    }

    /** The features. */
    public TfIdfFeatures features() {
        return features;
    }

    /** The intercept. */
    public double bias() {
        return bias;
    }

    /** The file's fields beyond the scoring ones (metrics, training, corpus hash), or an empty object. */
    public ObjectNode metadata() {
        return file == null ? JSON.createObjectNode() : file.deepCopy();
    }

    // --- the file

    /** Reads a model file, refusing another format or version with what to do instead. */
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
                    + (node.has("tokens") ? "; naive Bayes models are retired" : "")
                    + "; train one with io.patinox.detection.train.TrainInjectionModel (detection/README.md)");
        }
        int formatVersion = node.path("formatVersion").asInt(-1);
        if (formatVersion != FORMAT_VERSION) {
            throw new IllegalArgumentException("format version " + formatVersion + ", expected " + FORMAT_VERSION);
        }
        JsonNode f = required(node, "features");
        TfIdfFeatures features = new TfIdfFeatures(required(f, "bits").asInt(), required(f, "minN").asInt(),
                required(f, "maxN").asInt(), required(f, "chunkChars").asInt());
        int[] buckets = decodeBuckets(Base64.getDecoder().decode(required(node, "buckets").asText()));
        byte[] idfBytes = Base64.getDecoder().decode(required(node, "idf").asText());
        byte[] weightBytes = Base64.getDecoder().decode(required(node, "weights").asText());
        if (idfBytes.length != buckets.length || weightBytes.length != 2 * buckets.length) {
            throw new IllegalArgumentException("buckets, idf and weights disagree in length");
        }
        double idfScale = required(node, "idfScale").asDouble();
        double weightScale = required(node, "weightScale").asDouble();
        float[] idf = new float[features.dimension()];
        float[] weights = new float[features.dimension()];
        for (int i = 0; i < buckets.length; i++) {
            if (buckets[i] < 0 || buckets[i] >= idf.length) {
                throw new IllegalArgumentException("bucket " + buckets[i] + " out of range");
            }
            idf[buckets[i]] = (float) ((idfBytes[i] & 0xff) * idfScale);
            short w = (short) ((weightBytes[2 * i] & 0xff) | (weightBytes[2 * i + 1] << 8));
            weights[buckets[i]] = (float) (w * weightScale);
        }
        JsonNode calibration = required(node, "calibration");
        int[] windows = JSON.convertValue(required(node, "windows"), int[].class);
        Map<String, Double> thresholds = new TreeMap<>();
        node.path("thresholds").fields().forEachRemaining(e -> thresholds.put(e.getKey(), e.getValue().asDouble()));
        for (String heavy : List.of("buckets", "idf", "weights")) {
            node.remove(heavy);
        }
        return new InjectionModel(features, idf, weights, required(node, "bias").asDouble(), windows,
                required(calibration, "a").asDouble(), required(calibration, "b").asDouble(),
                required(node, "threshold").asDouble(), thresholds, node.path("modelVersion").asText("unversioned"), node);
    }

    private static JsonNode required(JsonNode node, String field) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing field '" + field + "'");
        }
        return v;
    }

    /**
     * The model as its file will hold it: idf to 8 bits and weights to 16 bits, so that what the trainer measures
     * is exactly what a service loading the file computes.
     */
    public InjectionModel quantised() {
        double idfScale = scale(idf, 255);
        double weightScale = scale(weights, Short.MAX_VALUE);
        float[] qi = new float[idf.length];
        float[] qw = new float[weights.length];
        for (int i = 0; i < qi.length; i++) {
            if (idf[i] != 0) {
                qi[i] = (float) (quantiseIdf(idf[i], idfScale) * idfScale);
                qw[i] = (float) (quantiseWeight(weights[i], weightScale) * weightScale);
            }
        }
        return new InjectionModel(features, qi, qw, bias, windows, calibrationA, calibrationB, threshold, thresholds,
                version, file);
    }

    /** An idf table as a model file stores it (8 bits), read back: the trainer trains on exactly these values. */
    public static float[] storedIdf(float[] idf) {
        double idfScale = scale(idf, 255);
        float[] q = new float[idf.length];
        for (int i = 0; i < q.length; i++) {
            if (idf[i] != 0) {
                q[i] = (float) (quantiseIdf(idf[i], idfScale) * idfScale);
            }
        }
        return q;
    }

    private static double scale(float[] values, int levels) {
        double max = 0;
        for (float v : values) {
            max = Math.max(max, Math.abs(v));
        }
        return max == 0 ? 1 : max / levels;
    }

    private static int quantiseIdf(float v, double scale) {
        // Never 0: a bucket the model reads keeps a non-zero idf.
        return (int) Math.max(1, Math.min(255, Math.round(v / scale)));
    }

    private static short quantiseWeight(float w, double scale) {
        return (short) Math.max(-Short.MAX_VALUE, Math.min(Short.MAX_VALUE, Math.round(w / scale)));
    }

    /**
     * The model as a file: the scoring fields, then {@code extra} (metrics, training, corpus hash), then the
     * buckets the model reads (delta-encoded varints), their idf (8 bits) and weights (16 bits), in base64.
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
        f.put("chunkChars", features.chunkChars());
        f.put("kinds", "char n-grams of ' word '; word tokens and bigrams; tf-idf (1 + ln tf), each block at unit length");
        root.set("windows", JSON.valueToTree(windows));
        root.put("bias", bias);
        ObjectNode calibration = root.putObject("calibration");
        calibration.put("method", "platt");
        calibration.put("a", calibrationA);
        calibration.put("b", calibrationB);
        root.put("threshold", threshold);
        root.set("thresholds", JSON.valueToTree(new TreeMap<>(thresholds)));
        if (extra != null) {
            root.setAll(extra);
        }
        double idfScale = scale(idf, 255);
        double weightScale = scale(weights, Short.MAX_VALUE);
        ByteArrayOutputStream bucketBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream idfBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream weightBytes = new ByteArrayOutputStream();
        int previous = 0;
        for (int i = 0; i < idf.length; i++) {
            if (idf[i] == 0) {
                continue;
            }
            writeVarint(bucketBytes, i - previous);
            previous = i;
            idfBytes.write(quantiseIdf(idf[i], idfScale));
            short w = quantiseWeight(weights[i], weightScale);
            weightBytes.write(w & 0xff);
            weightBytes.write((w >> 8) & 0xff);
        }
        root.put("idfScale", idfScale);
        root.put("weightScale", weightScale);
        root.put("buckets", Base64.getEncoder().encodeToString(bucketBytes.toByteArray()));
        root.put("idf", Base64.getEncoder().encodeToString(idfBytes.toByteArray()));
        root.put("weights", Base64.getEncoder().encodeToString(weightBytes.toByteArray()));
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    }

    private static void writeVarint(ByteArrayOutputStream out, int v) {
        while ((v & ~0x7f) != 0) {
            out.write((v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write(v);
    }

    private static int[] decodeBuckets(byte[] bytes) {
        int[] out = new int[bytes.length];
        int n = 0;
        int previous = 0;
        int i = 0;
        while (i < bytes.length) {
            int v = 0;
            int shift = 0;
            int b;
            do {
                if (i >= bytes.length || shift > 28) {
                    throw new IllegalArgumentException("buckets are not valid varints");
                }
                b = bytes[i++] & 0xff;
                v |= (b & 0x7f) << shift;
                shift += 7;
            } while ((b & 0x80) != 0);
            previous += v;
            out[n++] = previous;
        }
        return Arrays.copyOf(out, n);
    }
}
