package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.revwalk.RevWalk;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Evolution's clone against real git repositories: a bare remote with a developer's clone, and a checkout like
 * the launcher's that accepts pushes to its checked-out branch (the services read its files).
 */
class ConfigRepositoryTest {

    @TempDir
    Path tmp;

    private static void write(Path file, String text) throws Exception {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** A bare remote seeded through a clone with one agent under {@code config/}. */
    private Path bareRemote() throws Exception {
        Path remote = tmp.resolve("remote.git");
        Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
        Path dev = tmp.resolve("dev");
        try (Git git = Git.init().setDirectory(dev.toFile()).setInitialBranch("main").call()) {
            write(dev.resolve("config/agents/a.yaml"), "name: a\nstepDeadline: 2s\n");
            write(dev.resolve("config/policies/default.yaml"), "failMode: closed\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("seed").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call();
            git.push().setRemote(remote.toUri().toString()).add("main").call();
        }
        return remote;
    }

    private static String remoteRef(Path remote, String ref) throws Exception {
        try (Git git = Git.open(remote.toFile())) {
            var id = git.getRepository().resolve(ref);
            return id == null ? null : id.name();
        }
    }

    @Test
    void proposesMergesAndRestoresOnABareRemote() throws Exception {
        Path remote = bareRemote();
        String seed = remoteRef(remote, "refs/heads/main");
        try (var repo = ConfigRepository.open(tmp.resolve("clone.git"), remote.toUri().toString(), "config", "main",
                Optional.empty())) {
            assertThat(repo.head()).isEqualTo(seed);
            assertThat(repo.read("agents/a.yaml")).contains("name: a\nstepDeadline: 2s\n");

            String commit = repo.commitOnNewBranch("patinox/proposal-1", repo.head(),
                    Map.of("agents/a.yaml", "name: a\nstepDeadline: 4s\n"), "raise\n\nEvidence: x");
            repo.pushBranch("patinox/proposal-1");
            assertThat(remoteRef(remote, "refs/heads/patinox/proposal-1")).isEqualTo(commit);
            assertThat(remoteRef(remote, "refs/heads/main")).as("main untouched before approval").isEqualTo(seed);
            assertThat(repo.history().diff(commit)).contains("-stepDeadline: 2s").contains("+stepDeadline: 4s");

            var merge = repo.merge(commit, "merge");
            assertThat(merge.before()).isEqualTo(seed);
            assertThat(merge.after()).as("fast-forward").isEqualTo(commit);
            assertThat(remoteRef(remote, "refs/heads/main")).isEqualTo(commit);

            var restore = repo.restore(commit, seed, "revert");
            assertThat(remoteRef(remote, "refs/heads/main")).isEqualTo(restore.after());
            assertThat(repo.read("agents/a.yaml")).contains("name: a\nstepDeadline: 2s\n");
            assertThat(repo.readAt(restore.after(), "policies/default.yaml")).contains("failMode: closed\n");
        }
    }

    @Test
    void fetchesForAVersionItDoesNotHoldSoThatAnAgentAddedSinceIsRead() throws Exception {
        Path remote = bareRemote();
        try (var repo = ConfigRepository.open(tmp.resolve("clone.git"), remote.toUri().toString(), "config", "main",
                Optional.empty())) {
            String seed = repo.head();
            Path dev = tmp.resolve("dev");
            try (Git git = Git.open(dev.toFile())) {
                write(dev.resolve("config/agents/b.yaml"), "name: b\n");
                git.add().addFilepattern(".").call();
                git.commit().setMessage("add b").setAuthor("t", "t@example.invalid")
                        .setCommitter("t", "t@example.invalid").setSign(false).call();
                git.push().setRemote(remote.toUri().toString()).add("main").call();
            }
            String added = remoteRef(remote, "refs/heads/main");
            repo.fetchFor(seed);
            assertThat(repo.read("agents/b.yaml")).as("a version it holds fetches nothing").isEmpty();

            repo.fetchFor(added);
            assertThat(repo.head()).isEqualTo(added);
            assertThat(repo.read("agents/b.yaml")).contains("name: b\n");
            repo.fetchFor("0123456789abcdef0123456789abcdef01234567"); // no commit of the remote: fetched for once
            repo.fetchFor("unversioned");
            assertThat(repo.head()).isEqualTo(added);
        }
    }

    @Test
    void mergesWithAMergeCommitWhenMainMovedAndRefusesConflicts() throws Exception {
        Path remote = bareRemote();
        try (var repo = ConfigRepository.open(tmp.resolve("clone.git"), remote.toString(), "config", "main",
                Optional.empty())) {
            String base = repo.head();
            String deadline = repo.commitOnNewBranch("patinox/proposal-d", base,
                    Map.of("agents/a.yaml", "name: a\nstepDeadline: 4s\n"), "deadline");
            String conflicting = repo.commitOnNewBranch("patinox/proposal-c", base,
                    Map.of("agents/a.yaml", "name: a\nstepDeadline: 9s\n"), "other deadline");
            String policy = repo.commitOnNewBranch("patinox/proposal-p", base,
                    Map.of("policies/default.yaml", "failMode: open\n"), "policy");
            repo.merge(deadline, "merge d");
            var merged = repo.merge(policy, "merge p");
            try (Git git = Git.open(remote.toFile()); RevWalk walk = new RevWalk(git.getRepository())) {
                var main = walk.parseCommit(git.getRepository().resolve("refs/heads/main"));
                assertThat(main.name()).isEqualTo(merged.after());
                assertThat(main.getParentCount()).isEqualTo(2);
            }
            assertThat(repo.read("agents/a.yaml")).contains("name: a\nstepDeadline: 4s\n");
            assertThat(repo.read("policies/default.yaml")).contains("failMode: open\n");
            assertThatThrownBy(() -> repo.merge(conflicting, "merge c"))
                    .isInstanceOf(ConfigRepository.ConflictException.class).hasMessageContaining("conflicts");
        }
    }

    @Test
    void approvalUpdatesTheFilesOfALocalCheckoutThatAcceptsPushesToItsBranch() throws Exception {
        // The launcher's config repository: the services read its working tree and stamp its HEAD.
        Path checkout = tmp.resolve("config-repo");
        try (Git git = Git.init().setDirectory(checkout.toFile()).setInitialBranch("main").call()) {
            write(checkout.resolve("agents/a.yaml"), "name: a\nstepDeadline: 2s\n");
            git.add().addFilepattern(".").call();
            git.commit().setMessage("seed").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call();
            var config = git.getRepository().getConfig();
            config.setString("receive", null, "denyCurrentBranch", "updateInstead");
            // As git init writes it: without it git takes a repository entered through its .git folder for bare.
            config.setBoolean("core", null, "bare", false);
            config.save();
        }
        assertThat(ConfigTransport.isLocalCheckout(checkout.toString())).isTrue();
        assertThat(ConfigTransport.isLocalCheckout(tmp.resolve("nothing").toString())).isFalse();
        try (var repo = ConfigRepository.open(tmp.resolve("clone.git"), checkout.toString(), "", "main",
                Optional.empty())) {
            String commit = repo.commitOnNewBranch("patinox/proposal-2", repo.head(),
                    Map.of("agents/a.yaml", "name: a\nstepDeadline: 4s\n"), "raise");
            repo.pushBranch("patinox/proposal-2");
            var merge = repo.merge(commit, "merge");
            assertThat(Files.readString(checkout.resolve("agents/a.yaml"), StandardCharsets.UTF_8))
                    .as("the working tree the services read").contains("stepDeadline: 4s");
            assertThat(remoteRef(checkout, Constants.HEAD)).isEqualTo(merge.after());
            try (Git git = Git.open(checkout.toFile())) {
                assertThat(git.status().call().isClean()).as("no dirty config version").isTrue();
            }
            repo.restore(commit, merge.before(), "revert");
            assertThat(Files.readString(checkout.resolve("agents/a.yaml"))).contains("stepDeadline: 2s");
        }
    }
}
