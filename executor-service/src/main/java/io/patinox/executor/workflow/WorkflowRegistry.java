package io.patinox.executor.workflow;

import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.config.ConfigDirectory;
import io.patinox.executor.config.ReloadingRegistry;
import io.patinox.executor.tools.ToolRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * The workflows of the config directory ({@code workflows/*.yaml}; none when the folder does not exist), read
 * ({@link WorkflowFileReader}) and wired against the agents and tools in force ({@link WorkflowChecks}). Loaded at
 * start (an invalid file stops the start, naming file, field and line), then checked on the agents' schedule: a
 * changed, valid set replaces the old one, an invalid one is refused and logged, and the last good set stays in
 * force. Like the agents, it carries the config commit it was read at.
 *
 * <p>
 * The front door asks {@link #find(String)} whether a task's workflow exists, as it asks {@code AgentRegistry}
 * about agents.
 */
@Startup
@ApplicationScoped
public class WorkflowRegistry extends ReloadingRegistry<WorkflowDefinition> {

    private static final Logger LOG = Logger.getLogger(WorkflowRegistry.class);

    @Inject
    AgentRegistry agents;

    @Inject
    ToolRegistry tools;

    public WorkflowRegistry() {
        super(LOG, "workflow", false);
    }

    /** The agents' config directory: the workflows are read from it and checked against its agents. */
    @Override
    protected Path configDir() {
        return agents.configDir();
    }

    @PostConstruct
    void load() {
        loadFirst();
    }

    /** The scheduler's check, on the agents' interval. */
    @Scheduled(identity = "workflow-config-watcher", every = "${patinox.executor.config-reload-interval}", delayed = "${patinox.executor.config-reload-interval}", concurrentExecution = ConcurrentExecution.SKIP)
    void check() {
        checkForChanges();
    }

    /** Names, sizes and times of the workflow and agent files: the workflows are checked against the agents. */
    @Override
    protected String fingerprintOf(Path dir) {
        return ConfigDirectory.fingerprint(dir, "workflows", "agents");
    }

    @Override
    protected Map<String, WorkflowDefinition> read(Path dir) {
        return loadAll(dir.resolve("workflows"), known());
    }

    private WorkflowChecks.Known known() {
        Map<String, AgentDefinition> all = agents.all();
        return new WorkflowChecks.Known(all.keySet(), tools.names(), tools::idempotent,
                all.values().stream().collect(Collectors.toMap(AgentDefinition::name, AgentDefinition::tools)));
    }

    /**
     * Reads and checks every {@code *.yaml}/{@code *.yml} file of {@code dir}; an absent folder has none.
     *
     * @throws InvalidWorkflowConfig for the first file that cannot be used
     */
    public static Map<String, WorkflowDefinition> loadAll(Path dir, WorkflowChecks.Known known) {
        if (!Files.isDirectory(dir)) {
            return Map.of();
        }
        Map<String, WorkflowDefinition> loaded = ConfigDirectory.readAll(dir, WorkflowFileReader::read,
                WorkflowDefinition::name, InvalidWorkflowConfig::new);
        WorkflowChecks.check(loaded, known);
        return Map.copyOf(loaded);
    }
}
