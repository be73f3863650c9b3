package io.patinox.validator.ai;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the LLM judges find their model: an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM,
 * llama.cpp server, Ollama's {@code /v1}). In the service they come from {@code patinox.validator.judge.*};
 * a program using the validators as a library gets them from the environment ({@link #fromEnvironment()}).
 *
 * @param baseUrl base URL of the API, ending in {@code /v1}
 * @param apiKey the API key; local servers accept any
 * @param model the model name a policy entry uses unless it names its own ({@code params.model})
 * @param timeout HTTP timeout of one judge call; the chain's {@code timeoutMs} of the entry is the hard limit
 */
public record JudgeSettings(String baseUrl, String apiKey, String model, Duration timeout) {

    /** The defaults, as documented on {@code ValidatorConfig.Judge}. */
    public static final String DEFAULT_BASE_URL = "https://api.openai.com/v1";
    public static final String DEFAULT_MODEL = "gpt-4o-mini";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    public JudgeSettings {
        Objects.requireNonNull(baseUrl, "baseUrl");
        Objects.requireNonNull(apiKey, "apiKey");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timeout, "timeout");
    }

    /**
     * From system properties {@code patinox.validator.judge.base-url|api-key|model|timeout}, else the environment
     * ({@code OPENAI_BASE_URL}, {@code OPENAI_API_KEY}, {@code PATINOX_JUDGE_MODEL}, {@code PATINOX_JUDGE_TIMEOUT}
     * as an ISO-8601 duration), else the defaults.
     */
    public static JudgeSettings fromEnvironment() {
        return new JudgeSettings(
                setting("patinox.validator.judge.base-url", "OPENAI_BASE_URL", DEFAULT_BASE_URL),
                setting("patinox.validator.judge.api-key", "OPENAI_API_KEY", "none"),
                setting("patinox.validator.judge.model", "PATINOX_JUDGE_MODEL", DEFAULT_MODEL),
                Duration.parse(setting("patinox.validator.judge.timeout", "PATINOX_JUDGE_TIMEOUT",
                        DEFAULT_TIMEOUT.toString())));
    }

    private static String setting(String property, String env, String fallback) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            value = System.getenv(env);
        }
        return value == null || value.isBlank() ? fallback : value;
    }

    /** These settings with another model name. */
    public JudgeSettings withModel(String otherModel) {
        return new JudgeSettings(baseUrl, apiKey, otherModel, timeout);
    }

    @Override
    public String toString() {
        // Never the key.
        return "JudgeSettings[baseUrl=" + baseUrl + ", model=" + model + ", timeout=" + timeout + "]";
    }
}
