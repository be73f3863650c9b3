package io.patinox.executor.tools;

import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.memory.AgentMemory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/** {@code memory_search}: the calling agent's long-term memory, searched by meaning (top 3). */
@ApplicationScoped
public class MemorySearchTool implements Tool {

    @Inject
    AgentMemory memory;

    /** Reads only: safe to repeat after a crash. */
    @Override
    public boolean idempotent() {
        return true;
    }

    /** Its output is memory: untrusted context for the rest of the run. */
    @Override
    public boolean readsMemory() {
        return true;
    }

    @Override
    public String name() {
        return "memory_search";
    }

    @Override
    public String description() {
        return "Search your knowledge base and past answers by meaning. Arguments: query (string).";
    }

    @Override
    public List<Parameter> parameters() {
        return List.of(new Parameter("query", "string", "what to look for", true));
    }

    @Override
    public String execute(Map<String, Object> arguments) {
        throw new ToolFailure("memory_search needs the calling agent");
    }

    @Override
    public String execute(AgentDefinition agent, Map<String, Object> arguments) {
        if (!(arguments.get("query") instanceof String query) || query.isBlank()) {
            throw new ToolFailure("memory_search needs a string argument 'query', got " + arguments);
        }
        List<String> found = memory.search(agent, query, 3);
        return found.isEmpty() ? "nothing found" : String.join("\n---\n", found);
    }
}
