package io.patinox.executor.ai;

import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.config.AgentRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Finds the model client an agent's {@code model} names ({@code scripted/<script>} today). */
@ApplicationScoped
public class ModelClients {

    @Inject
    AgentRegistry registry;

    private final Map<String, ModelClient> cache = new ConcurrentHashMap<>();

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
        throw new ModelFailure("unknown model provider '" + agent.modelProvider() + "' in " + agent.source(), null);
    }
}
