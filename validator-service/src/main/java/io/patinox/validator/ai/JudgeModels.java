package io.patinox.validator.ai;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The chat models judges call, one per (endpoint, model, timeout), shared by all policies and kept across
 * reloads: a reload must not open new connection pools each time.
 */
public final class JudgeModels {

    private static final Map<JudgeSettings, ChatModel> MODELS = new ConcurrentHashMap<>();

    private JudgeModels() {
    }

    /** The model for {@code settings}, built on first use; building it contacts nobody. */
    public static ChatModel forSettings(JudgeSettings settings) {
        return MODELS.computeIfAbsent(settings, s -> OpenAiChatModel.builder()
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
