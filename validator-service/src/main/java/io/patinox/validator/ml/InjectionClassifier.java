package io.patinox.validator.ml;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.Judgement;
import io.patinox.contracts.validation.Validator;
import io.patinox.contracts.validation.ValidatorFactory;
import io.patinox.validator.builtin.Params;
import io.patinox.detection.text.TextNormalizer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Prompt injection and jailbreak attempts, by a naive Bayes text classifier ({@link NaiveBayesModel}).
 * It reads the task input (on the first step), the newest tool output (indirect injection) and, if asked,
 * the proposed action, and blocks when P(attack) reaches the threshold. Texts are read as
 * {@link TextNormalizer} leaves them (no zero-width characters, NFKC, homoglyphs mapped); a long text is read
 * by its most suspicious run of 80 words (linear, prefix sums), so an injected paragraph
 * inside a long, benign tool output is not outvoted by the rest. Parameters:
 * <pre>{@code
 * model: models/injection-nb.json   # relative to the config directory
 * threshold: 0.9
 * inspect: [input, toolOutputs]     # and/or action
 * }</pre>
 */
public final class InjectionClassifier implements Validator {

    /** The type name policies use. */
    public static final String TYPE = "injection-classifier";

    private final String name;
    private final NaiveBayesModel model;
    private final double threshold;
    private final Set<String> inspect;

    InjectionClassifier(String name, NaiveBayesModel model, double threshold, Set<String> inspect) {
        this.name = name;
        this.model = model;
        this.threshold = threshold;
        this.inspect = inspect;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int cost() {
        return 60;
    }

    /** Texts up to this length are classified whole. */
    static final int WHOLE = 2000;
    /** Longer ones by their most suspicious run of this many words (about 500 characters). */
    static final int WINDOW_WORDS = 80;

    /** P(attack) of the normalised text, or of its most suspicious window when it is long. */
    private double attackProbability(String raw) {
        String text = TextNormalizer.normalize(raw);
        return text.length() <= WHOLE ? model.attackProbability(text)
                : model.maxWindowAttackProbability(text, WINDOW_WORDS);
    }

    @Override
    public Judgement validate(ValidationRequest request) {
        double worst = 0;
        String where = "nothing";
        if (inspect.contains("input") && request.stepIndex() == 0) {
            worst = attackProbability(request.context().taskInput());
            where = "the task input";
        }
        List<String> outputs = request.context().toolOutputs();
        if (inspect.contains("toolOutputs") && !outputs.isEmpty()) {
            double p = attackProbability(outputs.get(outputs.size() - 1));
            if (p > worst) {
                worst = p;
                where = "the newest tool output";
            }
        }
        if (inspect.contains("action")) {
            Action a = request.action();
            double p = attackProbability(a.text());
            if (p > worst) {
                worst = p;
                where = "the proposed action";
            }
        }
        String score = String.format(Locale.ROOT, "%.3f", worst);
        return worst >= threshold
                ? Judgement.block(worst, "prompt injection or jailbreak suspected in " + where + " (P=" + score
                        + " >= " + threshold + ")")
                : Judgement.allow(worst, "no injection suspected (max P=" + score + ")");
    }

    /** Creates {@link InjectionClassifier}s; model paths are resolved against the config directory. */
    public static final class Factory implements ValidatorFactory {
        private final Path configDir;

        public Factory(Path configDir) {
            this.configDir = configDir;
        }

        @Override
        public String type() {
            return TYPE;
        }

        @Override
        public Validator create(String name, Map<String, Object> raw) {
            Params params = Params.of(raw).allowOnly("model", "threshold", "inspect");
            Path file = configDir.resolve(params.string("model", "models/injection-nb.json"));
            if (!Files.isRegularFile(file)) {
                throw params.error("model", "no model file at " + file);
            }
            NaiveBayesModel model;
            try {
                model = NaiveBayesModel.read(file);
            } catch (RuntimeException e) {
                throw params.error("model", e.getMessage());
            }
            double threshold = params.number("threshold", 0.9);
            if (threshold <= 0 || threshold > 1) {
                throw params.error("threshold", "must be in (0, 1]");
            }
            List<String> inspect = params.strings("inspect");
            for (int i = 0; i < inspect.size(); i++) {
                if (!Set.of("input", "toolOutputs", "action").contains(inspect.get(i))) {
                    throw params.error("inspect[" + i + "]", "expected input, toolOutputs or action but was '"
                            + inspect.get(i) + "'");
                }
            }
            return new InjectionClassifier(name, model, threshold,
                    inspect.isEmpty() ? Set.of("input", "toolOutputs") : Set.copyOf(inspect));
        }
    }
}
