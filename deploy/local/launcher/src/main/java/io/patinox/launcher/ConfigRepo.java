package io.patinox.launcher;

import io.patinox.contracts.config.ConfigTree;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The local config repository: a git repository seeded from the sample {@code config/} directory on
 * first use, so that every event carries a real commit id and changes can be reviewed and reverted.
 */
public final class ConfigRepo {

    private ConfigRepo() {
    }

    /**
     * Creates the repository from the samples if it does not exist; returns its HEAD commit. It accepts pushes to
     * its checked-out branch and updates its files with them ({@code receive.denyCurrentBranch=updateInstead}): the
     * evolution service pushes approved proposals there, and the services, which read the files and stamp HEAD,
     * reload them.
     */
    public static String ensure(Path samples, Path repo) {
        if (Files.isDirectory(repo.resolve(".git"))) {
            git(repo, "config", "receive.denyCurrentBranch", "updateInstead");
            return git(repo, "rev-parse", "HEAD");
        }
        if (!Files.isDirectory(samples)) {
            throw new IllegalStateException("no sample configuration at " + samples);
        }
        ConfigTree.copy(samples, repo);
        git(repo, "init", "-q", "-b", "main");
        git(repo, "config", "receive.denyCurrentBranch", "updateInstead");
        git(repo, "add", "-A");
        git(repo, "-c", "user.name=Patinox", "-c", "user.email=patinox@localhost", "commit", "-q", "-m",
                "Sample agents and policies");
        return git(repo, "rev-parse", "HEAD");
    }

    /** Runs {@code git -C dir args...}; returns what it printed, trimmed; fails when git fails. */
    public static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("git is needed for the config repository", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
