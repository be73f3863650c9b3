package io.patinox.validator.builtin;

import io.patinox.contracts.validation.ValidatorFactory;
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
     * Every known factory; a {@link ServiceLoader} one may not reuse a built-in type name.
     *
     * @param configDir where validators find their model files
     */
    public static List<ValidatorFactory> factories(Path configDir) {
        List<ValidatorFactory> all = new ArrayList<>(List.of(new RulesValidator.Factory(), new PiiValidator.Factory(),
                new ToolArgumentSchemaCheck.Factory(), new InjectionClassifier.Factory(configDir),
                new AttackSimilarityCheck.Factory(configDir, vectorDir())));
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
