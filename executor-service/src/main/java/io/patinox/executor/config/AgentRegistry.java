package io.patinox.executor.config;

import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The agents of the config directory ({@code patinox.config.dir}, files {@code agents/*.yaml}), loaded at
 * start: an invalid file stops the start with a message naming the file and the field. The directory is
 * then checked for changes every {@code patinox.executor.config-reload-interval} by the Quarkus scheduler
 * ({@link #check()}); a changed, valid config replaces the old one (and fires {@link ConfigReloaded}); an invalid
 * one is refused, logged, and the last good config stays in force.
 */
@Startup
@ApplicationScoped
public class AgentRegistry extends ReloadingRegistry<AgentDefinition> {

    private static final Logger LOG = Logger.getLogger(AgentRegistry.class);

    /** Fired after a changed config was loaded; clients built from the old one should be dropped. */
    public record ConfigReloaded(String version) {
    }

    @ConfigProperty(name = "patinox.config.dir", defaultValue = "config")
    String configDir;

    @ConfigProperty(name = "patinox.executor.config-reload-interval")
    Duration reloadInterval;

    @Inject
    Event<ConfigReloaded> reloaded;

    public AgentRegistry() {
        super(LOG, "agent", true);
    }

    @PostConstruct
    void load() {
        loadFirst();
    }

    /** The scheduler's check; a check still running when the next is due makes that one skip. Zero: no checks. */
    @Scheduled(identity = "agent-config-watcher", every = "${patinox.executor.config-reload-interval}", delayed = "${patinox.executor.config-reload-interval}", concurrentExecution = ConcurrentExecution.SKIP)
    void check() {
        if (!reloadInterval.isZero()) {
            checkForChanges();
        }
    }

    @Override
    protected void reloaded(String version) {
        if (reloaded != null) {
            reloaded.fire(new ConfigReloaded(version));
        }
    }

    /** Names, sizes and modification times of the agent and script files. */
    @Override
    protected String fingerprintOf(Path dir) {
        return ConfigDirectory.fingerprint(dir, "agents", "scripts");
    }

    @Override
    protected Map<String, AgentDefinition> read(Path dir) {
        return loadAgents(dir.resolve("agents"));
    }

    /** Reads every {@code *.yaml}/{@code *.yml} file of {@code agentsDir}. */
    public static Map<String, AgentDefinition> loadAgents(Path agentsDir) {
        if (!Files.isDirectory(agentsDir)) {
            throw new InvalidAgentConfig(
                    "agent directory " + agentsDir.toAbsolutePath() + " does not exist (set patinox.config.dir)", null);
        }
        return Map.copyOf(
                ConfigDirectory.readAll(agentsDir, AgentFileReader::read, AgentDefinition::name, InvalidAgentConfig::new));
    }

    /** The config directory. */
    @Override
    public Path configDir() {
        return Path.of(configDir);
    }
}
