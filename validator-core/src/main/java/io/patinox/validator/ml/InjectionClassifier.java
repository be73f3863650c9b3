package io.patinox.validator.ml;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.Judgement;
import io.patinox.contracts.validation.Validator;
import io.patinox.detection.model.InjectionModel;
import io.patinox.validator.builtin.Inspect;
import io.patinox.validator.builtin.NamedValidator;
import io.patinox.validator.builtin.Params;
import io.patinox.validator.builtin.TypedFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Prompt injection and jailbreak attempts, by the hashed n-gram logistic regression of {@code patinox-detection}
 * ({@link InjectionModel}). It reads the task input (on the first step), the newest tool output (indirect
 * injection), every text of long-term memory in the step's context (with the tool outputs: retrieved memory is
 * untrusted for the whole run, and a text about to be written is checked before it is) and, if asked, the proposed action, and
 * blocks when the calibrated P(attack) reaches the threshold.
 * The model normalises the text (zero-width characters, NFKC, homoglyphs, case), scores its most suspicious
 * window of words (so padding or a long benign document does not dilute an injected paragraph) and also its
 * decoded readings (base64, hex, URL encoding, ROT13, leetspeak, spaced letters), keeping the highest. Parameters:
 *
 * <pre>{@code
 * model: models/injection-lr.json   # relative to the config directory
 * targetFpr: 0.02                   # optional: the model file's threshold for this false-positive rate (0.01, 0.02, 0.05)
 * threshold: 0.9                    # optional, instead: an explicit threshold
 * inspect: [input, toolOutputs]     # and/or action
 * }</pre>
 *
 * Without either, the model file's operating threshold (chosen for 1 % false positives on its validation split).
 */
public final class InjectionClassifier extends NamedValidator {

    /** The type name policies use. */
    public static final String TYPE = "injection-classifier";
    /** The model a policy gets when it names none. */
    public static final String DEFAULT_MODEL = "models/injection-lr.json";

    private final InjectionModel model;
    private final double threshold;
    private final Inspect inspect;

    InjectionClassifier(String name, InjectionModel model, double threshold, Inspect inspect) {
        super(name, 60);
        this.model = model;
        this.threshold = threshold;
        this.inspect = inspect;
    }

    /** The threshold in force: the policy's, else the model file's. */
    public double threshold() {
        return threshold;
    }

    @Override
    public Judgement validate(ValidationRequest request) {
        InjectionModel.Score worst = null;
        String where = "nothing";
        if (inspect.contains("input") && request.stepIndex() == 0) {
            worst = model.score(request.context().taskInput());
            where = "the task input";
        }
        List<String> outputs = request.context().toolOutputs();
        if (inspect.contains("toolOutputs") && !outputs.isEmpty()) {
            InjectionModel.Score s = model.score(outputs.get(outputs.size() - 1));
            if (worst == null || s.probability() > worst.probability()) {
                worst = s;
                where = "the newest tool output";
            }
        }
        List<String> memory = request.context().memory();
        if (inspect.contains("toolOutputs")) {
            // Memory stays untrusted for the whole run: every retrieved text, not only the newest.
            for (int i = 0; i < memory.size(); i++) {
                InjectionModel.Score s = model.score(memory.get(i));
                if (worst == null || s.probability() > worst.probability()) {
                    worst = s;
                    where = Inspect.memoryWhere(request, i);
                }
            }
        }
        if (inspect.contains("action")) {
            Action a = request.action();
            InjectionModel.Score s = model.score(a.text());
            if (worst == null || s.probability() > worst.probability()) {
                worst = s;
                where = "the proposed action";
            }
        }
        double p = worst == null ? 0 : worst.probability();
        String score = String.format(Locale.ROOT, "%.3f", p);
        if (p >= threshold) {
            String reading = worst.reading().equals("text") ? "" : " (" + worst.reading() + ")";
            return Judgement.block(p, "prompt injection or jailbreak suspected in " + where + reading + " (P=" + score
                    + " >= " + threshold + ", model " + model.version() + ")");
        }
        return Judgement.allow(p, "no injection suspected (max P=" + score + (worst == null ? "" : " in " + where) + ")");
    }

    /** Creates {@link InjectionClassifier}s; model paths are resolved against the config directory. */
    public static final class Factory extends TypedFactory {
        private final Path configDir;

        public Factory(Path configDir) {
            super(TYPE);
            this.configDir = configDir;
        }

        @Override
        public Validator create(String name, Map<String, Object> raw) {
            Params params = Params.of(raw).allowOnly("model", "threshold", "targetFpr", "inspect");
            Path file = configDir.resolve(params.string("model", DEFAULT_MODEL));
            if (!Files.isRegularFile(file)) {
                throw params.error("model", "no model file at " + file);
            }
            InjectionModel model;
            try {
                model = ModelFiles.read(file);
            } catch (RuntimeException e) {
                throw params.error("model", e.getMessage());
            }
            if (params.has("threshold") && params.has("targetFpr")) {
                throw params.error("threshold", "set threshold or targetFpr, not both");
            }
            double threshold = model.threshold();
            if (params.has("threshold")) {
                threshold = params.number("threshold", threshold);
            } else if (params.has("targetFpr")) {
                double fpr = params.number("targetFpr", 0.01);
                threshold = model.thresholdForFpr(fpr).orElseThrow(() -> params.error("targetFpr",
                        "the model file has no threshold for " + fpr + " (it has "
                                + java.util.Arrays.toString(InjectionModel.OPERATING_FPRS) + ")"));
            }
            if (threshold <= 0 || threshold > 1) {
                throw params.error("threshold", "must be in (0, 1]");
            }
            return new InjectionClassifier(name, model, threshold, Inspect.of(params));
        }
    }

    /**
     * Model files read once per content: a config reload (every few seconds when the config changes), the several
     * policies that name the same file, and copies of the config directory (evolution replays each proposal on a
     * copy) share one parsed model (~16 MB of weights). A model is held only as long as a policy uses it: the cache
     * keeps it weakly, so the models of dropped policies and deleted copies are collected
     * (docs/adr/0020-memory-budgets.md).
     */
    static final class ModelFiles {
        private static final Map<String, WeakReference<InjectionModel>> CACHE = new ConcurrentHashMap<>();

        private ModelFiles() {
        }

        static InjectionModel read(Path file) {
            byte[] bytes;
            try {
                bytes = Files.readAllBytes(file);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot read the model: " + e.getMessage(), e);
            }
            String key = sha256(bytes);
            synchronized (CACHE) {
                WeakReference<InjectionModel> ref = CACHE.get(key);
                InjectionModel cached = ref == null ? null : ref.get();
                if (cached != null) {
                    return cached;
                }
                InjectionModel model;
                try {
                    model = InjectionModel.parse(bytes);
                } catch (IOException e) {
                    throw new UncheckedIOException(file + ": cannot read the model: " + e.getMessage(), e);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
                }
                CACHE.values().removeIf(r -> r.get() == null);
                CACHE.put(key, new WeakReference<>(model));
                return model;
            }
        }

        private static String sha256(byte[] bytes) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
