package io.patinox.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * Calls a local service's JSON REST API: a request with an optional JSON body, a JSON answer; a status of 300 or more
 * fails with the status and the service's {@code error} text.
 */
final class ServiceApi {

    private final String service;
    private final URI base;
    private final String apiKey;
    private final Duration timeout;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param service the service as a failure names it ({@code the executor})
     * @param apiKey sent as {@code X-API-Key}; null sends none
     */
    ServiceApi(String service, URI base, String apiKey, Duration timeout) {
        this.service = service;
        this.base = base;
        this.apiKey = apiKey;
        this.timeout = timeout;
    }

    /** {@code method path}, with {@code body} as JSON unless it is null; returns the answer ({} when empty). */
    JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (apiKey != null) {
            request.header("X-API-Key", apiKey);
        }
        if (body != null) {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofByteArray(Json.encode(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer = response.body().isBlank() ? Json.mapper().createObjectNode()
                    : Json.mapper().readTree(response.body());
            if (response.statusCode() >= 300) {
                throw new IllegalStateException(response.statusCode() + " " + answer.path("error").asText(response.body()));
            }
            return answer;
        } catch (IOException e) {
            throw new IllegalStateException(service + " does not answer at " + base + " (./patinox up?): " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
