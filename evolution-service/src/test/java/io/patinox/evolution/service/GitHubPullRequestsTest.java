package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.patinox.contracts.json.Json;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The pull-request client against a local server answering like GitHub's REST API (paths, auth, bodies). */
class GitHubPullRequestsTest {

    record Call(String method, String path, String auth, String accept, JsonNode body) {
    }

    private HttpServer server;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile boolean mergeable = true;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/repos/acme/agents-config/pulls", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            calls.add(new Call(exchange.getRequestMethod(), exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Authorization"),
                    exchange.getRequestHeaders().getFirst("Accept"), Json.mapper().readTree(in)));
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            if (exchange.getRequestMethod().equals("POST") && path.endsWith("/pulls")) {
                status = 201;
                body = "{\"number\":42,\"state\":\"open\",\"html_url\":\"https://github.com/acme/agents-config/pull/42\"}";
            } else if (exchange.getRequestMethod().equals("PUT") && path.endsWith("/pulls/42/merge")) {
                status = mergeable ? 200 : 405;
                body = mergeable ? "{\"sha\":\"6dcb09b5b57875f334f61aebed695e2e4193db5e\",\"merged\":true,"
                        + "\"message\":\"Pull Request successfully merged\"}"
                        : "{\"message\":\"Pull Request is not mergeable\"}";
            } else if (exchange.getRequestMethod().equals("PATCH") && path.endsWith("/pulls/42")) {
                status = 200;
                body = "{\"number\":42,\"state\":\"closed\"}";
            } else {
                status = 404;
                body = "{\"message\":\"Not Found\"}";
            }
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json; charset=utf-8");
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private GitHubPullRequests client() {
        return new GitHubPullRequests("http://127.0.0.1:" + server.getAddress().getPort(), "acme/agents-config",
                "ghp_test", Duration.ofSeconds(5));
    }

    @Test
    void opensMergesAndClosesPullRequests() {
        var review = client().open("patinox/proposal-abc", "main", "Raise the deadline", "Evidence: ...");
        assertThat(review.url()).isEqualTo("https://github.com/acme/agents-config/pull/42");
        assertThat(review.number()).isEqualTo(42);
        Call open = calls.get(0);
        assertThat(open.method()).isEqualTo("POST");
        assertThat(open.path()).isEqualTo("/repos/acme/agents-config/pulls");
        assertThat(open.auth()).isEqualTo("Bearer ghp_test");
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
        mergeable = false;
        var review = new PullRequests.Review("https://github.com/acme/agents-config/pull/42", 42);
        assertThatThrownBy(() -> client().merge(review, "Merge"))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("405")
                .hasMessageContaining("not mergeable").hasMessageNotContaining("ghp_test");
    }
}
