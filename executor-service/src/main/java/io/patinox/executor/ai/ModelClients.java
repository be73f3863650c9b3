package io.patinox.executor.ai;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.tools.ToolRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the model client an agent's {@code model} names: {@code scripted/<script>} or {@code openai/<model>}. */
@ApplicationScoped
public class ModelClients {

    @Inject
    AgentRegistry registry;

    @Inject
    ExecutorConfig config;

    @Inject
    ToolRegistry tools;

    private final Map<String, ModelClient> cache = new ConcurrentHashMap<>();

    /** Scripts and model settings may have changed with the config: build clients anew. */
    void onReload(@jakarta.enterprise.event.Observes AgentRegistry.ConfigReloaded event) {
        cache.clear();
    }

    /**
     * The client for {@code agent}.
     *
     * @throws ModelFailure when the provider is unknown or its script is missing or invalid
     */
    public ModelClient forAgent(AgentDefinition agent) {
        return cache.computeIfAbsent(agent.model(), key -> create(agent));
    }

    private ModelClient create(AgentDefinition agent) {
        if (ScriptedModel.PROVIDER.equals(agent.modelProvider())) {
            Path script = registry.configDir().resolve("scripts").resolve(agent.modelName() + ".jsonl");
            if (!Files.isRegularFile(script)) {
                throw new ModelFailure("script " + script + " for agent '" + agent.name() + "' does not exist", null);
            }
            return ScriptedModel.load(script);
        }
        if (OpenAiModelClient.PROVIDER.equals(agent.modelProvider())) {
            ExecutorConfig.OpenAi openai = config.openai();
            ChatModel chat = OpenAiChatModel.builder()
                    .baseUrl(openai.baseUrl())
                    .apiKey(openai.apiKey())
                    .modelName(agent.modelName())
                    .timeout(openai.timeout())
                    // Retries are ours (ModelRetry, a Fault Tolerance guard), so that backoff and the transient/permanent
                    // split are explicit.
                    .maxRetries(0)
                    .build();
            return new OpenAiModelClient(chat, agent.modelName(), name -> tools.find(name).orElse(null),
                    new ModelRetry(openai.maxAttempts(), openai.initialBackoff()),
                    openai.inputCostPerMillion(), openai.outputCostPerMillion());
        }
        throw new ModelFailure("unknown model provider '" + agent.modelProvider() + "' in " + agent.source(), null);
    }
}
