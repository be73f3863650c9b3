package io.patinox.executor.memory;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.config.ExecutorConfig;
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
 * in its jar) and kept in a Lance dataset ({@code patinox.executor.memory.dir}). An agent's {@code knowledge}
 * from its YAML is remembered on first use; completed runs of agents that may search their memory are
 * remembered too. Opened lazily, so agents without memory never load the model or the native library.
 */
@ApplicationScoped
public class AgentMemory {

    /** Dimensions of the vectors. */
    public static final int DIMENSION = 384;

    @Inject
    ExecutorConfig config;

    private final Set<String> ids = ConcurrentHashMap.newKeySet();
    private final Set<String> seeded = ConcurrentHashMap.newKeySet();
    private volatile EmbeddingModel model;
    private volatile MemoryStore store;

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
            rememberAll(agent.name(), agent.knowledge());
        }
    }

    /** Remembers {@code text} for {@code agent}; the same text twice is kept once. */
    public void remember(String agent, String text) {
        rememberAll(agent, List.of(text));
    }

    /** Remembers several texts for {@code agent} in one write. */
    public synchronized void rememberAll(String agent, List<String> texts) {
        List<MemoryStore.Row> rows = new ArrayList<>();
        MemoryStore s = store();
        for (String text : texts) {
            String id = id(agent, text);
            if (ids.add(id)) {
                rows.add(new MemoryStore.Row(id, agent, text, embed(text)));
            }
        }
        s.append(rows);
    }

    /** The {@code k} texts of {@code agent}'s memory nearest in meaning to {@code query}, nearest first. */
    public List<String> search(AgentDefinition agent, String query, int k) {
        seed(agent);
        // Over-fetch, then keep this agent's rows: every agent shares one dataset.
        return store().nearest(embed(query), Math.max(k * 8, 32)).stream()
                .filter(r -> r.agent().equals(agent.name())).limit(k).map(MemoryStore.Row::text).toList();
    }

    private float[] embed(String text) {
        Embedding e = model().embed(text).content();
        e.normalize();
        return e.vector();
    }

    private synchronized EmbeddingModel model() {
        if (model == null) {
            model = new AllMiniLmL6V2EmbeddingModel();
        }
        return model;
    }

    private synchronized MemoryStore store() {
        if (store == null) {
            store = new MemoryStore(Path.of(config.memory().dir()).resolve("memory.lance"), DIMENSION);
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
