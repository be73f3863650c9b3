package io.patinox.validator.config;

import io.patinox.validator.ai.JudgeSettings;
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

    /**
     * How long the service may warm its request path through Kafka at start before it reports ready anyway: it asks
     * each partition it holds one request of its own and waits for the answers (docs/adr/0021-warm-request-path.md).
     * Zero skips the warm-up.
     */
    @WithDefault("30s")
    Duration warmUpTimeout();

    /**
     * Warm-up requests sent after each partition has answered one, so that the request path runs compiled code when
     * the service reports ready; zero sends none. Bounded by {@link #warmUpTimeout()}.
     */
    @WithDefault("2000")
    int warmUpRequests();

    /** Topic a reply goes to when the request names none in {@code kafka_reply_topic}. */
    @WithDefault("patinox.validation.replies")
    String defaultReplyTopic();

    /** The LLM judges' model endpoint (policy types {@code jailbreak-judge}, {@code groundedness-judge}). */
    Judge judge();

    /** An OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp server, Ollama's /v1). */
    interface Judge {
        /** Base URL of the API, ending in {@code /v1}; default and env {@code OPENAI_BASE_URL} in the properties. */
        String baseUrl();

        /** The API key; local servers accept any; default and env {@code OPENAI_API_KEY}: application.properties. */
        String apiKey();

        /**
         * Model a judge uses unless its policy entry names one ({@code params.model}); default and env
         * ({@code PATINOX_JUDGE_MODEL}) in application.properties.
         */
        String model();

        /**
         * HTTP timeout of one judge call. The policy entry's {@code timeoutMs} is the hard limit the chain
         * enforces; keep this one at or above it so the chain, not the client, decides.
         */
        @WithDefault("5s")
        java.time.Duration timeout();

        /** These settings for the validator factories. */
        default JudgeSettings settings() {
            return new JudgeSettings(baseUrl(), apiKey(), model(), timeout());
        }
    }
}
