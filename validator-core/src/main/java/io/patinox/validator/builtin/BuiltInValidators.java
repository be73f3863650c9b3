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

/**
 * The validator types this library ships, plus any found through {@link ServiceLoader}. {@code attack-similarity}
 * runs only where the application ships the module {@code vectors} (embedding model, Lance): this library depends on
 * it optionally. Without it the type is an {@link UnavailableType} (docs/adr/0017-evolution-replays-without-embeddings.md).
 */
public final class BuiltInValidators {

    /** What {@code attack-similarity} needs on the classpath. */
    static final String EMBEDDINGS_MODULE = "the module io.patinox:patinox-vectors (embedding model, Lance)";

    /** Whether the module {@code vectors} is on this classpath. */
    static final boolean EMBEDDINGS = present("io.patinox.vectors.MiniLmEmbedder");

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
                new JailbreakJudge.Factory(judges), new GroundednessJudge.Factory(judges)));
        if (EMBEDDINGS) {
            all.add(new AttackSimilarityCheck.Factory(configDir, vectorDir()));
        } else {
            // Known but not runnable: a policy naming it does not load, and says what is missing.
            all.add(new UnavailableType(AttackSimilarityCheck.TYPE, EMBEDDINGS_MODULE));
        }
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

    private static boolean present(String className) {
        try {
            Class.forName(className, false, BuiltInValidators.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
