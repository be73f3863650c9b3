package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.config.ConfigTree;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.testkit.GitHubServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proposal service with a token and repository configured: proposals are pushed to the remote (a bare
 * repository) and opened as pull requests on a local server answering like GitHub, which merges them into the
 * remote's main branch when asked; the service takes the merge commit GitHub reports as the new config version.
 */
class GitHubProposalFlowTest {

    @TempDir
    Path tmp;

    private GitHubServer github;

    @AfterEach
    void stop() {
        if (github != null) {
            github.close();
        }
    }

    /** GitHub's pull-request API over the bare remote: the merge moves main to the pull request's head. */
    private void startGitHub(Path remote) {
        github = GitHubServer.start("acme/config", 7).onMerge(pr -> {
            try (Git git = Git.open(remote.toFile())) {
                var repo = git.getRepository();
                var head = repo.resolve("refs/heads/" + pr.head());
                RefUpdate update = repo.updateRef("refs/heads/main");
                update.setNewObjectId(head);
                update.update();
                return head.name();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The calls GitHub received: method, path and authorization. */
    private List<String> calls() {
        return github.calls().stream().map(c -> c.method() + " " + c.path() + " " + c.authorization()).toList();
    }

    private ProposalWiring wiring(Path remote) {
        return new ProposalWiring(Map.of(
                "patinox.evolution.config-dir", tmp.resolve("no-checkout").toString(),
                "patinox.evolution.remote", remote.toString(),
                "patinox.evolution.config-path", "config",
                "patinox.evolution.work-dir", tmp.resolve("evolution.git").toString(),
                "patinox.evolution.github.token", "ghp_secret",
                "patinox.evolution.github.repository", "acme/config",
                "patinox.evolution.github.api-url", github.apiUrl()));
    }

    @Test
    void opensAndMergesThroughPullRequests() throws Exception {
        Path remote = tmp.resolve("remote.git");
        Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
        Path dev = tmp.resolve("dev");
        try (Git git = Git.init().setDirectory(dev.toFile()).setInitialBranch("main").call()) {
            Files.createDirectories(dev.resolve("config/agents"));
            Files.writeString(dev.resolve("config/agents/support.yaml"), "name: support\nmaxSteps: 8\npolicy: default\n");
            Path samples = Path.of("..", "config");
            for (String dir : new String[] { "policies", "models", "corpus" }) {
                ConfigTree.copy(samples.resolve(dir), dev.resolve("config").resolve(dir));
            }
            git.add().addFilepattern(".").call();
            git.commit().setMessage("seed").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call();
            git.push().setRemote(remote.toString()).add("main").call();
        }
        startGitHub(remote);
        try (ProposalWiring wiring = wiring(remote)) {
            ProposalService service = wiring.service;
            var draft = new Draft("manual|support|steps", "manual", "support", null, "Fewer steps for support",
                    Map.of("agents/support.yaml", "name: support\nmaxSteps: 6\npolicy: default\n"), Map.of());
            EvolutionProposal opened = service.submit(draft).orElseThrow();
            assertThat(opened.status()).isEqualTo(ProposalStatus.OPENED);
            assertThat(opened.reviewUrl()).isEqualTo("https://github.com/acme/config/pull/7");
            assertThat(opened.evidence().get("replayResult")).isEqualTo("passed");
            assertThat(calls()).containsExactly("POST /repos/acme/config/pulls Bearer ghp_secret");
            try (Git git = Git.open(remote.toFile())) {
                assertThat(git.getRepository().resolve("refs/heads/" + opened.branch()).name()).isEqualTo(opened.commit());
            }

            EvolutionProposal merged = service.approve(opened.proposalId());
            assertThat(calls()).last().isEqualTo("PUT /repos/acme/config/pulls/7/merge Bearer ghp_secret");
            assertThat(merged.status()).isEqualTo(ProposalStatus.MERGED);
            assertThat(merged.evidence()).containsEntry("mergedConfigVersion", opened.commit());
            try (Git git = Git.open(remote.toFile())) {
                assertThat(git.getRepository().resolve("refs/heads/main").name()).isEqualTo(opened.commit());
            }
            assertThat(wiring.published).extracting(EvolutionProposal::status)
                    .containsExactly(ProposalStatus.OPENED, ProposalStatus.MERGED);
        }
    }
}
