package io.patinox.executor.config;

import io.patinox.contracts.config.ConfigVersion;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Definitions of one kind read from the config directory and kept in force while its files change: the agents
 * ({@link AgentRegistry}) and the workflows. Loaded at start, where an invalid file stops the start; then
 * {@link #reloadIfChanged()} reads them again when the fingerprint of their files changes. A changed, valid set
 * replaces the old one; an invalid one is refused and logged ({@link #lastError()}), and the last good set stays in
 * force with the config version it was read at.
 *
 * @param <T> what is defined
 */
public abstract class ReloadingRegistry<T> {

    private final Logger log;
    private final String kind;
    private final boolean followsCommits;
    private volatile Map<String, T> definitions = Map.of();
    private volatile String version = ConfigVersion.UNVERSIONED;
    private volatile String fingerprint = "";
    private volatile String lastError;

    /**
     * @param log the registry's logger
     * @param kind what is defined, for the log ({@code agent})
     * @param followsCommits whether the version follows a new commit of files that did not change (dirty →
     *        committed) while the set in force is the newest
     */
    protected ReloadingRegistry(Logger log, String kind, boolean followsCommits) {
        this.log = log;
        this.kind = kind;
        this.followsCommits = followsCommits;
    }

    /** The config directory. */
    protected abstract Path configDir();

    /** Names, sizes and times of the files the definitions depend on: cheap to compute every few seconds. */
    protected abstract String fingerprintOf(Path configDir);

    /**
     * Reads every definition, by name.
     *
     * @throws InvalidConfig for the first file that cannot be used
     */
    protected abstract Map<String, T> read(Path configDir);

    /** Called after a changed set was put in force at {@code version}. */
    protected void reloaded(String version) {
    }

    /** Reads the definitions at start; an invalid file throws, which stops the start. */
    protected void loadFirst() {
        Path dir = configDir();
        fingerprint = fingerprintOf(dir);
        definitions = read(dir);
        version = ConfigVersion.of(dir);
        log.infof("Loaded %d %s(s) %s from %s at config version %s", definitions.size(), kind, definitions.keySet(), dir,
                version);
    }

    /** {@link #reloadIfChanged()} for the scheduler: a check that fails is logged, not thrown. */
    protected void checkForChanges() {
        try {
            reloadIfChanged();
        } catch (RuntimeException e) {
            log.warn("Check of the " + kind + " config failed", e);
        }
    }

    /**
     * Reloads the definitions if their files changed.
     *
     * @return true when a new set is now in force
     */
    public synchronized boolean reloadIfChanged() {
        Path dir = configDir();
        String now = fingerprintOf(dir);
        if (now.equals(fingerprint)) {
            if (followsCommits) {
                followCommit(dir);
            }
            return false;
        }
        try {
            String at = ConfigVersion.of(dir);
            Map<String, T> loaded = read(dir);
            if (!now.equals(fingerprintOf(dir)) || !at.equals(ConfigVersion.of(dir))) {
                // The files changed while they were read (e.g. git checking out a pushed commit, one file after
                // another): what was read may miss a file. Read again at the next check, once they are still.
                log.debugf("The %s config changed while it was read; reading it again at the next check", kind);
                return false;
            }
            fingerprint = now;
            definitions = loaded;
            version = at;
            lastError = null;
            log.infof("Reloaded %d %s(s) %s at config version %s", loaded.size(), kind, loaded.keySet(), version);
            reloaded(version);
            return true;
        } catch (InvalidConfig e) {
            if (!now.equals(fingerprintOf(dir))) {
                // Maybe a file caught half written: judged again at the next check.
                return false;
            }
            fingerprint = now;
            lastError = e.getMessage();
            log.errorf("Refused the changed %s config, keeping version %s: %s", kind, version, e.getMessage());
            return false;
        }
    }

    /** Same files, maybe a new commit of them (dirty → committed): only the version changes. */
    private void followCommit(Path dir) {
        String v = ConfigVersion.of(dir);
        if (!v.equals(version) && lastError == null) {
            log.infof("Config version now %s (was %s)", v, version);
            version = v;
        }
    }

    /** The definition named {@code name}, if the set in force has it. */
    public Optional<T> find(String name) {
        return Optional.ofNullable(definitions.get(name));
    }

    /** Every definition in force, by name. */
    public Map<String, T> all() {
        return definitions;
    }

    /** The config version stamped on events: commit id, {@code -dirty}, or {@code unversioned}. */
    public String version() {
        return version;
    }

    /** Why the last changed set was refused, or null when the set in force is the newest. */
    public String lastError() {
        return lastError;
    }
}
