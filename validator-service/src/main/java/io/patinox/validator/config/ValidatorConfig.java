package io.patinox.validator.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of the validator service (prefix {@code patinox.validator}). */
@ConfigMapping(prefix = "patinox.validator")
public interface ValidatorConfig {

    /**
     * Time limit of a validator whose policy entry sets no {@code timeoutMs}. A validator that exceeds it
     * counts as failed and the policy's fail mode applies.
     */
    @WithDefault("200ms")
    Duration defaultTimeout();

    /**
     * Threads that run validators. Each validator runs on one of them so that its time limit can be
     * enforced; it bounds how many validators run at once.
     */
    @WithDefault("16")
    int workerThreads();

    /**
     * How often the config directory's version is checked; when it changed, the policies are loaded again
     * (an invalid change is refused and the policies in force stay). Zero disables the check.
     */
    @WithDefault("10s")
    Duration reloadInterval();

    /** Topic a reply goes to when the request names none in {@code kafka_reply_topic}. */
    @WithDefault("patinox.validation.replies")
    String defaultReplyTopic();
}
