package io.patinox.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/**
 * The executor's own settings (prefix {@code patinox.executor}). Agents are not configured here: they are
 * YAML files in the config directory ({@code patinox.config.dir}).
 */
@ConfigMapping(prefix = "patinox.executor")
public interface ExecutorConfig {

    /** The step-verdict exchange with the validator service. */
    Validation validation();

    /** Publishing steps and results. */
    Publish publish();

    /** The answer a user gets when a run is blocked; the reason goes to {@code RunResult.reason}. */
    @WithDefault("I can't help with that.")
    String safeAnswer();

    /** Settings of the validation gateway (the request-reply correlator). */
    interface Validation {
        /** Topic the step-verdict requests go to. */
        @WithDefault("patinox.validation.requests")
        String requestTopic();

        /** Topic the validator answers on; the gateway reads all of its partitions without a group. */
        @WithDefault("patinox.validation.replies")
        String replyTopic();

        /** How long the gateway may wait for a send to be acknowledged before it counts as failed. */
        @WithDefault("PT10S")
        Duration sendTimeout();
    }

    /** Settings of the step and result producers. */
    interface Publish {
        /** How long a step or result send may take before it is logged as lost. */
        @WithDefault("PT10S")
        Duration sendTimeout();
    }
}
