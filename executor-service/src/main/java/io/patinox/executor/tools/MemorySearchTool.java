package io.patinox.executor.tools;

import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.memory.AgentMemory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;

/** {@code memory_search}: the calling agent's long-term memory, searched by meaning (top 3). */
@ApplicationScoped
public class MemorySearchTool extends DeclaredTool {

    @Inject
    AgentMemory memory;

    public MemorySearchTool() {
        super("memory_search", "Search your knowledge base and past answers by meaning. Arguments: query (string).",
                new Parameter("query", "string", "what to look for", true));
    }

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
    public String execute(Map<String, Object> arguments) {
        throw new ToolFailure("memory_search needs the calling agent");
    }

    @Override
    public String execute(AgentDefinition agent, Map<String, Object> arguments) {
        String query = text(arguments, "query");
        if (query.isBlank()) {
            throw needs("a string argument 'query'", arguments);
        }
        List<String> found = memory.search(agent, query, 3);
        return found.isEmpty() ? "nothing found" : String.join("\n---\n", found);
    }
}
