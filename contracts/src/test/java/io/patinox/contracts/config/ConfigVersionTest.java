package io.patinox.contracts.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigVersionTest {

    @TempDir
    Path dir;

    @Test
    void aDirectoryOutsideGitIsUnversioned() {
        assertThat(ConfigVersion.of(dir)).isEqualTo(ConfigVersion.UNVERSIONED);
        assertThat(ConfigVersion.of(dir.resolve("missing"))).isEqualTo(ConfigVersion.UNVERSIONED);
    }

    @Test
    void aCheckoutIsItsCommitAndDirtyWithLocalChangesUnderTheConfigDirectoryOnly() throws Exception {
        Path config = Files.createDirectories(dir.resolve("config"));
        Files.writeString(config.resolve("a.yaml"), "a: 1\n");
        Files.writeString(dir.resolve("README"), "outside\n");
        git("init", "-q", "-b", "main");
        git("add", "-A");
        git("-c", "user.name=t", "-c", "user.email=t@localhost", "commit", "-q", "-m", "config");
        String head = git("rev-parse", "HEAD");
        assertThat(ConfigVersion.of(config)).isEqualTo(head);
        Files.writeString(dir.resolve("README"), "changed outside the config directory\n");
        assertThat(ConfigVersion.of(config)).isEqualTo(head);
        Files.writeString(config.resolve("a.yaml"), "a: 2\n");
        assertThat(ConfigVersion.of(config)).isEqualTo(head + ConfigVersion.DIRTY);
    }

    @Test
    void aGitSyncCheckoutIsKnownByItsWorktreeWithoutGit() throws IOException {
        // git-sync v4: /git/.worktrees/<commit> holds the files, /git/current links to it.
        String commit = "0123456789abcdef0123456789abcdef01234567";
        Path worktree = Files.createDirectories(dir.resolve(".worktrees").resolve(commit).resolve("agents"));
        Path current = Files.createSymbolicLink(dir.resolve("current"), dir.resolve(".worktrees").resolve(commit));
        assertThat(ConfigVersion.syncedCommit(current)).isEqualTo(commit);
        assertThat(ConfigVersion.syncedCommit(worktree)).as("a folder inside the checkout").isEqualTo(commit);
        assertThat(ConfigVersion.syncedCommit(Files.createDirectories(dir.resolve(commit)))).as("not under .worktrees")
                .isEqualTo(ConfigVersion.UNVERSIONED);
    }

    private String git(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("git", "-C", dir.toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertThat(p.waitFor()).as(command + ": " + out).isZero();
        return out;
    }
}
