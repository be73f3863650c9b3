package io.patinox.evolution.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Pull requests through GitHub's REST API: {@code POST /repos/{owner}/{repo}/pulls} to open,
 * {@code PUT /repos/{owner}/{repo}/pulls/{number}/merge} to merge, {@code PATCH .../pulls/{number}} to close.
 * The token goes in the {@code Authorization: Bearer} header and is never logged.
 */
public final class GitHubPullRequests implements PullRequests {

    private final HttpClient http;
    private final URI api;
    private final String repository;
    private final String token;
    private final Duration timeout;

    public GitHubPullRequests(String apiUrl, String repository, String token, Duration timeout) {
        this.api = URI.create(apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        this.repository = repository;
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    }

    @Override
    public Review open(String branch, String base, String title, String body) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("title", title);
        request.put("head", branch);
        request.put("base", base);
        request.put("body", body);
        request.put("maintainer_can_modify", true);
        JsonNode pr = call("POST", "repos/" + repository + "/pulls", request, 201);
        return new Review(pr.path("html_url").asText(), pr.path("number").asInt());
    }

    @Override
    public String merge(Review review, String title) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("commit_title", title);
        request.put("merge_method", "merge");
        JsonNode merged = call("PUT", "repos/" + repository + "/pulls/" + review.number() + "/merge", request, 200);
        if (!merged.path("merged").asBoolean(false)) {
            throw new IllegalStateException("GitHub did not merge pull request #" + review.number() + ": "
                    + merged.path("message").asText());
        }
        return merged.path("sha").asText();
    }

    @Override
    public void close(Review review) {
        call("PATCH", "repos/" + repository + "/pulls/" + review.number(), Map.of("state", "closed"), 200);
    }

    private JsonNode call(String method, String path, Object body, int expected) {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(path))
                .timeout(timeout)
                .header("Accept", "application/vnd.github+json")
                .header("Authorization", "Bearer " + token)
                .header("X-GitHub-Api-Version", "2022-11-28")
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)))
                .build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != expected) {
                throw new IllegalStateException("GitHub " + method + " /" + path + " answered " + response.statusCode()
                        + ": " + abbreviate(response.body()));
            }
            return Json.mapper().readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GitHub " + method + " /" + path + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted calling GitHub", e);
        }
    }

    private static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }
}
