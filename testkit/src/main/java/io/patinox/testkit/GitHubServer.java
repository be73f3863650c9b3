package io.patinox.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server that answers like GitHub's pull-request REST API for one repository, for the edge the
 * tests cannot reach: open ({@code POST /repos/{owner}/{repo}/pulls}), merge ({@code PUT .../pulls/{n}/merge})
 * and close ({@code PATCH .../pulls/{n}}). Every call is recorded. What a merge does is the test's: by default
 * it reports a fixed merge commit; {@link #onMerge} lets a test move a real git repository's branch and report
 * that commit.
 */
public final class GitHubServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBERED = Pattern.compile(".*/pulls/(\\d+)(/merge)?$");

    /** One API call as it arrived. */
    public record Call(String method, String path, String authorization, String accept, JsonNode body) {
    }

    /** An open pull request: its number, head branch and base branch. */
    public record PullRequest(int number, String head, String base) {
    }

    private final LocalHttpServer server;
    private final String repository;
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final Map<Integer, PullRequest> pulls = new ConcurrentHashMap<>();
    private final AtomicInteger numbers;
    private volatile boolean mergeable = true;
    private volatile Function<PullRequest, String> onMerge = pr -> "6dcb09b5b57875f334f61aebed695e2e4193db5e";

    private GitHubServer(String repository, int firstNumber) {
        this.repository = repository;
        this.numbers = new AtomicInteger(firstNumber - 1);
        this.server = LocalHttpServer.start("/repos/" + repository + "/pulls", this::handle);
    }

    /** A server for {@code owner/repo} whose first pull request gets {@code firstNumber}. */
    public static GitHubServer start(String repository, int firstNumber) {
        return new GitHubServer(repository, firstNumber);
    }

    /** The API URL a client takes ({@code http://127.0.0.1:<port>}). */
    public String apiUrl() {
        return server.url();
    }

    /** Whether merges succeed (200) or are refused as not mergeable (405). */
    public GitHubServer mergeable(boolean mergeable) {
        this.mergeable = mergeable;
        return this;
    }

    /** What a successful merge does; returns the merge commit's sha to report. */
    public GitHubServer onMerge(Function<PullRequest, String> onMerge) {
        this.onMerge = onMerge;
        return this;
    }

    /** Every call received, in order. */
    public List<Call> calls() {
        return calls;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] in = exchange.getRequestBody().readAllBytes();
        JsonNode body = in.length == 0 ? JSON.createObjectNode() : JSON.readTree(in);
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        calls.add(new Call(method, path, exchange.getRequestHeaders().getFirst("Authorization"),
                exchange.getRequestHeaders().getFirst("Accept"), body));
        Matcher numbered = NUMBERED.matcher(path);
        if (method.equals("POST") && path.endsWith("/pulls")) {
            int number = numbers.incrementAndGet();
            pulls.put(number, new PullRequest(number, body.path("head").asText(), body.path("base").asText()));
            LocalHttpServer.respond(exchange, 201, JSON.createObjectNode().put("number", number).put("state", "open")
                    .put("html_url", "https://github.com/" + repository + "/pull/" + number).toString());
        } else if (method.equals("PUT") && numbered.matches() && numbered.group(2) != null
                && pulls.containsKey(Integer.parseInt(numbered.group(1)))) {
            if (!mergeable) {
                LocalHttpServer.respond(exchange, 405, "{\"message\":\"Pull Request is not mergeable\"}");
                return;
            }
            String sha = onMerge.apply(pulls.get(Integer.parseInt(numbered.group(1))));
            LocalHttpServer.respond(exchange, 200, JSON.createObjectNode().put("sha", sha).put("merged", true)
                    .put("message", "Pull Request successfully merged").toString());
        } else if (method.equals("PATCH") && numbered.matches() && numbered.group(2) == null
                && pulls.containsKey(Integer.parseInt(numbered.group(1)))) {
            LocalHttpServer.respond(exchange, 200, JSON.createObjectNode().put("number", Integer.parseInt(numbered.group(1)))
                    .put("state", body.path("state").asText("open")).toString());
        } else {
            LocalHttpServer.respond(exchange, 404, "{\"message\":\"Not Found\"}");
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
