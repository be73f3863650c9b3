package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.testkit.GitHubServer;
import io.patinox.testkit.GitHubServer.Call;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pull-request client against a local server answering like GitHub's REST API (paths, auth, bodies). */
class GitHubPullRequestsTest {

    private GitHubServer server;

    @BeforeEach
    void start() {
        server = GitHubServer.start("acme/agents-config", 42);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private GitHubPullRequests client() {
        return new GitHubPullRequests(server.apiUrl(), "acme/agents-config", "ghp_test", Duration.ofSeconds(5));
    }

    @Test
    void opensMergesAndClosesPullRequests() {
        var review = client().open("patinox/proposal-abc", "main", "Raise the deadline", "Evidence: ...");
        assertThat(review.url()).isEqualTo("https://github.com/acme/agents-config/pull/42");
        assertThat(review.number()).isEqualTo(42);
        List<Call> calls = server.calls();
        Call open = calls.get(0);
        assertThat(open.method()).isEqualTo("POST");
        assertThat(open.path()).isEqualTo("/repos/acme/agents-config/pulls");
        assertThat(open.authorization()).isEqualTo("Bearer ghp_test");
        assertThat(open.accept()).isEqualTo("application/vnd.github+json");
        assertThat(open.body().path("head").asText()).isEqualTo("patinox/proposal-abc");
        assertThat(open.body().path("base").asText()).isEqualTo("main");
        assertThat(open.body().path("title").asText()).isEqualTo("Raise the deadline");
        assertThat(open.body().path("body").asText()).isEqualTo("Evidence: ...");

        String sha = client().merge(review, "Merge proposal abc");
        assertThat(sha).isEqualTo("6dcb09b5b57875f334f61aebed695e2e4193db5e");
        Call merge = calls.get(1);
        assertThat(merge.method()).isEqualTo("PUT");
        assertThat(merge.path()).isEqualTo("/repos/acme/agents-config/pulls/42/merge");
        assertThat(merge.body().path("merge_method").asText()).isEqualTo("merge");
        assertThat(merge.body().path("commit_title").asText()).isEqualTo("Merge proposal abc");

        client().close(review);
        assertThat(calls.get(2).method()).isEqualTo("PATCH");
        assertThat(calls.get(2).body().path("state").asText()).isEqualTo("closed");
    }

    @Test
    void aRefusedMergeIsAnErrorNamingGitHubsAnswer() {
        var review = client().open("patinox/proposal-abc", "main", "Raise the deadline", "Evidence: ...");
        server.mergeable(false);
        assertThatThrownBy(() -> client().merge(review, "Merge"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("405")
                .hasMessageContaining("not mergeable").hasMessageNotContaining("ghp_test");
    }
}
