package io.patinox.executor.workflow;

import io.patinox.contracts.config.ConfigVersion;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.config.ConfigDirectory;
import io.patinox.executor.tools.ToolRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
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
public class WorkflowRegistry {

    private static final Logger LOG = Logger.getLogger(WorkflowRegistry.class);

    @Inject
    AgentRegistry agents;

    @Inject
    ToolRegistry tools;

    private volatile Map<String, WorkflowDefinition> workflows = Map.of();
    private volatile String version = ConfigVersion.UNVERSIONED;
    private volatile String fingerprint = "";
    private volatile String lastError;

    @PostConstruct
    void load() {
        Path dir = agents.configDir();
        fingerprint = fingerprint(dir);
        workflows = loadAll(dir.resolve("workflows"), known());
        version = ConfigVersion.of(dir);
        LOG.infof("Loaded %d workflow(s) %s at config version %s", workflows.size(), workflows.keySet(), version);
    }

    /** The scheduler's check, on the agents' interval; zero: no checks. */
    @Scheduled(identity = "workflow-config-watcher", every = "${patinox.executor.config-reload-interval}", delayed = "${patinox.executor.config-reload-interval}", concurrentExecution = ConcurrentExecution.SKIP)
    void check() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            LOG.warn("Workflow check failed", e);
        }
    }

    /**
     * Reloads the workflows if their files, or the agents they are checked against, changed.
     *
     * @return true when a new set is now in force
     */
    public synchronized boolean reloadIfChanged() {
        Path dir = agents.configDir();
        String now = fingerprint(dir);
        if (now.equals(fingerprint)) {
            return false;
        }
        fingerprint = now;
        try {
            workflows = loadAll(dir.resolve("workflows"), known());
            version = ConfigVersion.of(dir);
            lastError = null;
            LOG.infof("Reloaded %d workflow(s) %s at config version %s", workflows.size(), workflows.keySet(), version);
            return true;
        } catch (InvalidWorkflowConfig e) {
            lastError = e.getMessage();
            LOG.errorf("Refused the changed workflows, keeping version %s: %s", version, e.getMessage());
            return false;
        }
    }

    /** The workflow named {@code name}, if the config in force defines it. */
    public Optional<WorkflowDefinition> find(String name) {
        return Optional.ofNullable(workflows.get(name));
    }

    /** Every workflow, by name. */
    public Map<String, WorkflowDefinition> all() {
        return workflows;
    }

    /** The config version the workflows in force were read at. */
    public String version() {
        return version;
    }

    /** Why the last changed set was refused, or null when the set in force is the newest. */
    public String lastError() {
        return lastError;
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
        Map<String, WorkflowDefinition> loaded = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return Map.of();
        }
        try {
            for (Path file : ConfigDirectory.yamlFiles(dir)) {
                WorkflowDefinition wf = WorkflowFileReader.read(file);
                loaded.put(wf.name(), wf);
            }
        } catch (IOException e) {
            throw new InvalidWorkflowConfig("cannot list " + dir + ": " + e.getMessage(), e);
        }
        WorkflowChecks.check(loaded, known);
        return Map.copyOf(loaded);
    }

    /** Names, sizes and times of the workflow and agent files. */
    static String fingerprint(Path dir) {
        return ConfigDirectory.fingerprint(dir, "workflows", "agents");
    }
}
