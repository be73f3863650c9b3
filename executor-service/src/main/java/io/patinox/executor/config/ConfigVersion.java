package io.patinox.executor.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The version stamped on every event: the commit id of the git checkout holding the config directory,
 * with {@code -dirty} when the directory has uncommitted changes, or {@code unversioned} when it is not
 * in a git checkout (or git is missing).
 */
public final class ConfigVersion {

    /** The version of a config directory that is not under git. */
    public static final String UNVERSIONED = "unversioned";

    private ConfigVersion() {
    }

    /** The version of {@code dir} now. */
    public static String of(Path dir) {
        String head = git(dir, "rev-parse", "HEAD");
        if (head == null || head.isBlank()) {
            return UNVERSIONED;
        }
        // Only changes inside the config directory make it dirty, not other files of the same checkout.
        String status = git(dir, "status", "--porcelain", "--", ".");
        return head.trim() + (status != null && !status.isBlank() ? "-dirty" : "");
    }

    private static String git(Path dir, String... args) {
        var command = new java.util.ArrayList<>(List.of("git", "-C", dir.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroy();
                return null;
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
