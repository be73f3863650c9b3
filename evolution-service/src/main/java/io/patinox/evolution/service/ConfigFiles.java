package io.patinox.evolution.service;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Config directories on disk for a replay: temporary ones, a proposal's changes written into them, and their
 * removal afterwards. Nothing here touches the services' own directory.
 */
public final class ConfigFiles {

    private static final Logger LOG = Logger.getLogger(ConfigFiles.class);

    private ConfigFiles() {
    }

    /** A fresh temporary directory named after {@code what}. */
    public static Path temporary(String what) {
        try {
            return Files.createTempDirectory("patinox-replay-" + what);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the replay", e);
        }
    }

    /** Writes {@code changes} (path relative to {@code dir} to new content; null: delete the file) into {@code dir}. */
    public static void apply(Map<String, String> changes, Path dir) {
        try {
            for (var change : changes.entrySet()) {
                Path file = dir.resolve(change.getKey());
                if (change.getValue() == null) {
                    Files.deleteIfExists(file);
                } else {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, change.getValue());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the proposed changes into " + dir, e);
        }
    }

    /** Deletes {@code dir} and everything in it, as far as it can (null: nothing). */
    public static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("cannot delete %s: %s", dir, e);
        }
    }
}
