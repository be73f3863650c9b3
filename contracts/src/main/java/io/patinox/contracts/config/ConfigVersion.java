package io.patinox.contracts.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The config version every event carries: the commit id of the git checkout holding the config directory,
 * with {@code -dirty} when the directory has uncommitted changes, or {@code unversioned} when it is not in a
 * checkout. Where no {@code git} binary exists (the services' container images), a checkout made by
 * Kubernetes' git-sync is still recognised: git-sync checks every commit out into a directory named by its
 * commit id and points a symlink (e.g. {@code /git/current}) at it, and its checkouts are never modified.
 */
public final class ConfigVersion {

    /** The version of a config directory that is not under git. */
    public static final String UNVERSIONED = "unversioned";
    /** The suffix of a checkout with local changes. */
    public static final String DIRTY = "-dirty";

    private static final Pattern COMMIT = Pattern.compile("[0-9a-f]{40}([0-9a-f]{24})?");

    private ConfigVersion() {
    }

    /** The version of {@code configDir} now. */
    public static String of(Path configDir) {
        String head = git(configDir, "rev-parse", "HEAD");
        if (head != null && COMMIT.matcher(head.trim()).matches()) {
            // Only changes under the config directory count: it may be a folder of a larger checkout.
            String status = git(configDir, "status", "--porcelain", "--", ".");
            return head.trim() + (status != null && !status.isBlank() ? DIRTY : "");
        }
        return syncedCommit(configDir);
    }

    /** The commit a git-sync worktree holding {@code dir} is named by, or {@link #UNVERSIONED}. */
    static String syncedCommit(Path dir) {
        try {
            for (Path p = dir.toRealPath(); p != null && p.getFileName() != null; p = p.getParent()) {
                Path parent = p.getParent();
                if (COMMIT.matcher(p.getFileName().toString()).matches() && parent != null
                        && parent.getFileName() != null && parent.getFileName().toString().equals(".worktrees")) {
                    return p.getFileName().toString();
                }
            }
        } catch (IOException e) {
            // a directory that does not exist has no version
        }
        return UNVERSIONED;
    }

    private static String git(Path dir, String... args) {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            return p.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : null;
        } catch (IOException e) {
            return null; // no git binary
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
