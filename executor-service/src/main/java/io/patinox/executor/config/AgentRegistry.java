package io.patinox.executor.config;

import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The agents of the config directory ({@code patinox.config.dir}, files {@code agents/*.yaml}), loaded at
 * start. An invalid file stops the start with a message naming the file and the field.
 */
@Startup
@ApplicationScoped
public class AgentRegistry {

    private static final Logger LOG = Logger.getLogger(AgentRegistry.class);

    @ConfigProperty(name = "patinox.config.dir", defaultValue = "config")
    String configDir;

    private volatile Map<String, AgentDefinition> agents = Map.of();
    private volatile String version = ConfigVersion.UNVERSIONED;

    @PostConstruct
    void load() {
        Path dir = configDir();
        agents = loadAgents(dir.resolve("agents"));
        version = ConfigVersion.of(dir);
        LOG.infof("Loaded %d agent(s) %s from %s at config version %s", agents.size(), agents.keySet(), dir, version);
    }

    /** Reads every {@code *.yaml}/{@code *.yml} file of {@code agentsDir}. */
    public static Map<String, AgentDefinition> loadAgents(Path agentsDir) {
        if (!Files.isDirectory(agentsDir)) {
            throw new InvalidAgentConfig("agent directory " + agentsDir.toAbsolutePath() + " does not exist (set patinox.config.dir)", null);
        }
        Map<String, AgentDefinition> loaded = new TreeMap<>();
        try (Stream<Path> files = Files.list(agentsDir)) {
            for (Path file : files.sorted().toList()) {
                String n = file.getFileName().toString();
                if (n.endsWith(".yaml") || n.endsWith(".yml")) {
                    AgentDefinition agent = AgentFileReader.read(file);
                    loaded.put(agent.name(), agent);
                }
            }
        } catch (IOException e) {
            throw new InvalidAgentConfig("cannot list " + agentsDir + ": " + e.getMessage(), e);
        }
        return Map.copyOf(loaded);
    }

    /** The agent named {@code name}, if the config defines it. */
    public Optional<AgentDefinition> find(String name) {
        return Optional.ofNullable(agents.get(name));
    }

    /** Every agent, by name. */
    public Map<String, AgentDefinition> all() {
        return agents;
    }

    /** The config version stamped on events: commit id, {@code -dirty}, or {@code unversioned}. */
    public String version() {
        return version;
    }

    /** The config directory. */
    public Path configDir() {
        return Path.of(configDir);
    }
}
