package io.patinox.validator.ai;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.http.HttpClient;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chat models judges call, one per (endpoint, model, timeout), shared by all policies and kept across
 * reloads: a reload must not open new connection pools each time. Plain langchain4j on the JDK's HTTP client,
 * named explicitly (not found through the service loader), so that the same client runs in the validator
 * service, the evaluation command and the evolution service's replay (docs/adr/0008-validator-core.md).
 */
public final class JudgeModels {

    private static final Map<JudgeSettings, ChatModel> MODELS = new ConcurrentHashMap<>();

    private JudgeModels() {
    }

    /** The model for {@code settings}, built on first use; building it contacts nobody. */
    public static ChatModel forSettings(JudgeSettings settings) {
        return MODELS.computeIfAbsent(settings, s -> OpenAiChatModel.builder()
                // HTTP/1.1: local OpenAI-compatible servers (llama.cpp, Ollama, vLLM) speak it; no h2c upgrade.
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .baseUrl(s.baseUrl())
                .apiKey(s.apiKey())
                .modelName(s.model())
                .timeout(s.timeout())
                // A judge is deterministic as far as the endpoint allows, and never retried: its time is the chain's.
                .temperature(0.0)
                .maxRetries(0)
                .build());
    }
}
