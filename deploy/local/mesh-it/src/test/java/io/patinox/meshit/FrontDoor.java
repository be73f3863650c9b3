package io.patinox.meshit;

import io.patinox.contracts.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The executor's REST front door as a client sees it: {@code POST /tasks} with or without an API key. */
final class FrontDoor {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final int port;

    FrontDoor(int port) {
        this.port = port;
    }

    /** A task's JSON body. */
    static String task(String taskId, String agent, String input) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("taskId", taskId);
        body.put("agent", agent);
        body.put("input", input);
        return Json.encodeToString(body);
    }

    /** {@code POST /tasks} with {@code body}, presenting {@code key} as {@code X-API-Key} (none when null). */
    HttpResponse<String> post(String key, String body) {
        return send(postRequest(key, body));
    }

    /** {@link #post} without waiting for the answer. */
    java.util.concurrent.CompletableFuture<HttpResponse<String>> postAsync(String key, String body) {
        return http.sendAsync(postRequest(key, body), HttpResponse.BodyHandlers.ofString());
    }

    private HttpRequest postRequest(String key, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/tasks"))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return request.build();
    }

    /** {@code GET path} presenting {@code key} (none when null). */
    HttpResponse<String> get(String key, String path) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).GET();
        if (key != null) {
            request.header("X-API-Key", key);
        }
        return send(request.build());
    }

    private HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
