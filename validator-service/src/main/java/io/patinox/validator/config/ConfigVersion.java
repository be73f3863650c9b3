package io.patinox.validator.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The version stamped on every reply: the commit of the config checkout ({@code git rev-parse HEAD}),
 * with {@code -dirty} when the config directory has uncommitted changes, or {@code unversioned} when it is
 * not a git checkout (or git is missing).
 */
public final class ConfigVersion {

    /** The version of a config directory that is not under git. */
    public static final String UNVERSIONED = "unversioned";

    private ConfigVersion() {
    }

    /** The version of {@code configDir} as of now. */
    public static String of(Path configDir) {
        String head = git(configDir, "rev-parse", "HEAD");
        if (head == null || head.isBlank()) {
            return UNVERSIONED;
        }
        // Only changes under the config directory count: it may be a folder of a larger checkout.
        String status = git(configDir, "status", "--porcelain", "--", ".");
        return status != null && !status.isBlank() ? head.trim() + "-dirty" : head.trim();
    }

    private static String git(Path dir, String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
