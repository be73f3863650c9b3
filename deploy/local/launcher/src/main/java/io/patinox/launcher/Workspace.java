package io.patinox.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the local mesh keeps its state: everything under {@code <repo>/.patinox/} (ignored by git) —
 * the broker's data, one log file per process, pid files, and the local config repository.
 */
public record Workspace(Path root) {

    /** The workspace of the checkout the launcher runs from ({@code -Dpatinox.home}, else the working dir). */
    public static Workspace current() {
        return new Workspace(Path.of(System.getProperty("patinox.home", ".")).toAbsolutePath().normalize());
    }

    public Path work() {
        return root.resolve(".patinox");
    }

    public Path kafkaData() {
        return work().resolve("kafka");
    }

    public Path logs() {
        return create(work().resolve("logs"));
    }

    public Path run() {
        return create(work().resolve("run"));
    }

    public Path log(String process) {
        return logs().resolve(process + ".log");
    }

    public Path pidFile(String process) {
        return run().resolve(process + ".pid");
    }

    /** The sample configuration shipped in the repository. */
    public Path sampleConfig() {
        return root.resolve("config");
    }

    /** The local config repository the services load agents and policies from. */
    public Path configRepo() {
        return work().resolve("config-repo");
    }

    private static Path create(Path dir) {
        try {
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
