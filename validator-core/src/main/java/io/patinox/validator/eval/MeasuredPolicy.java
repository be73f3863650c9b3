package io.patinox.validator.eval;

import io.patinox.validator.builtin.BuiltInValidators;
import io.patinox.validator.policy.Policy;
import io.patinox.validator.policy.PolicyLoader;
import java.nio.file.Path;
import java.time.Duration;

/** The policy the evaluation and benchmark commands measure, loaded as they need it. */
final class MeasuredPolicy {

    private MeasuredPolicy() {
    }

    /**
     * Policy {@code name} of {@code configDir}, with the embedding cache off unless the system property
     * {@code patinox.validator.embedding-cache} says otherwise: every embedding computed, so latencies are those
     * of text the service has not seen yet.
     */
    static Policy load(Path configDir, String name) {
        if (System.getProperty("patinox.validator.embedding-cache") == null) {
            System.setProperty("patinox.validator.embedding-cache", "0");
        }
        Policy policy = new PolicyLoader(BuiltInValidators.factories(configDir), Duration.ofMillis(200))
                .loadAll(configDir).get(name);
        if (policy == null) {
            throw new IllegalArgumentException("no policy '" + name + "' in " + configDir);
        }
        return policy;
    }
}
