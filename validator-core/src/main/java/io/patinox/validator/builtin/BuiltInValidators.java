package io.patinox.validator.builtin;

import io.patinox.contracts.validation.ValidatorFactory;
import io.patinox.validator.ai.GroundednessJudge;
import io.patinox.validator.ai.JailbreakJudge;
import io.patinox.validator.ai.JudgeSettings;
import io.patinox.validator.ml.AttackSimilarityCheck;
import io.patinox.validator.ml.InjectionClassifier;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The validator types this service ships, plus any found through {@link ServiceLoader}. */
public final class BuiltInValidators {

    private BuiltInValidators() {
    }

    /**
     * Every known factory; a {@link ServiceLoader} one may not reuse a built-in type name. LLM judges reach
     * the endpoint of {@link JudgeSettings#fromEnvironment()}.
     *
     * @param configDir where validators find their model files
     */
    public static List<ValidatorFactory> factories(Path configDir) {
        return factories(configDir, JudgeSettings.fromEnvironment());
    }

    /**
     * Every known factory, LLM judges reaching the endpoint of {@code judges}.
     *
     * @param configDir where validators find their model files
     * @param judges the OpenAI-compatible endpoint and default model of the LLM judges (not contacted here)
     */
    public static List<ValidatorFactory> factories(Path configDir, JudgeSettings judges) {
        List<ValidatorFactory> all = new ArrayList<>(List.of(new RulesValidator.Factory(), new PiiValidator.Factory(),
                new ToolArgumentSchemaCheck.Factory(), new InjectionClassifier.Factory(configDir),
                new AttackSimilarityCheck.Factory(configDir, vectorDir()), new JailbreakJudge.Factory(judges),
                new GroundednessJudge.Factory(judges)));
        ServiceLoader.load(ValidatorFactory.class).forEach(all::add);
        return List.copyOf(all);
    }

    /**
     * Where derived vector datasets are kept: {@code patinox.validator.vector-dir} (system property or env
     * {@code PATINOX_VALIDATOR_VECTOR_DIR}), else {@code patinox-validator-vectors} under the temp directory.
     * They are rebuilt from the config when missing.
     */
    static Path vectorDir() {
        String configured = System.getProperty("patinox.validator.vector-dir",
                System.getenv("PATINOX_VALIDATOR_VECTOR_DIR"));
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "patinox-validator-vectors");
    }
}
