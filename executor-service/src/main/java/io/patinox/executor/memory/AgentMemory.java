package io.patinox.executor.memory;

import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.config.ExecutorConfig;
import io.patinox.vectors.Match;
import io.patinox.vectors.MiniLmEmbedder;
import io.patinox.vectors.VectorStore;
import io.patinox.vectors.Where;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Agents' long-term semantic memory: texts embedded in-process with all-MiniLM-L6-v2 (384 dimensions, shipped
 * in its jar) and kept in a Lance dataset ({@code patinox.executor.memory.dir}; {@link Memory}) with their source.
 * An agent's {@code knowledge} from its YAML (reviewed config) is remembered on first use; completed runs of agents
 * that may search their memory are remembered when the validator allows it ({@link MemoryGate}). Opened lazily, so
 * agents without memory never load the model or the native library.
 */
@ApplicationScoped
public class AgentMemory {

    @Inject
    ExecutorConfig config;

    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final Set<String> seeded = ConcurrentHashMap.newKeySet();
    private volatile VectorStore<Memory> store;

    @Inject
    io.patinox.executor.config.AgentRegistry agents;

    /**
     * Loading the embedding model and Lance's native library takes seconds: when an agent uses memory, do
     * it in the background at start (seeding its knowledge), not in its first run.
     */
    void warmUp(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        List<AgentDefinition> users = agents.all().values().stream().filter(a -> a.allows("memory_search")).toList();
        if (users.isEmpty()) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                users.forEach(this::seed);
            } catch (RuntimeException | LinkageError e) {
                org.jboss.logging.Logger.getLogger(AgentMemory.class).warnf("Memory warm-up failed: %s", e.toString());
            }
        }, "memory-warm-up");
        t.setDaemon(true);
        t.start();
    }

    private synchronized void seed(AgentDefinition agent) {
        if (seeded.add(agent.name() + "@" + agent.knowledge().hashCode()) && !agent.knowledge().isEmpty()) {
            rememberAll(agent.name(), agent.knowledge(), "knowledge");
        }
    }

    /**
     * Remembers {@code text} for {@code agent}, from {@code source}; the same text twice is kept once. Callers other
     * than the knowledge seeding go through {@link MemoryGate}, which asks the validator first.
     */
    void remember(String agent, String text, String source) {
        rememberAll(agent, List.of(text), source);
    }

    /** Remembers several texts for {@code agent} from {@code source} in one write. */
    synchronized void rememberAll(String agent, List<String> texts, String source) {
        VectorStore<Memory> s = store();
        List<String> fresh = texts.stream().filter(text -> ids.add(id(agent, text))).toList();
        List<float[]> vectors = MiniLmEmbedder.shared().embedAll(fresh);
        List<Memory> rows = new ArrayList<>(fresh.size());
        for (int i = 0; i < fresh.size(); i++) {
            rows.add(new Memory(id(agent, fresh.get(i)), agent, fresh.get(i), source, vectors.get(i)));
        }
        s.append(rows);
    }

    /** The {@code k} texts of {@code agent}'s memory nearest in meaning to {@code query}, nearest first. */
    public List<String> search(AgentDefinition agent, String query, int k) {
        seed(agent);
        // Every agent shares one dataset: search this agent's rows only.
        return store().nearest(MiniLmEmbedder.shared().embed(query), k, Where.equal("agent", agent.name())).stream()
                .map(Match::row).map(Memory::text).toList();
    }

    private synchronized VectorStore<Memory> store() {
        if (store == null) {
            store = new VectorStore<>(Path.of(config.memory().dir()).resolve(Memory.DATASET), Memory.SCHEMA);
            store.all().forEach(r -> ids.add(r.id()));
        }
        return store;
    }

    @PreDestroy
    synchronized void close() {
        if (store != null) {
            store.close();
        }
    }

    private static String id(String agent, String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest((agent + "\n" + text).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
