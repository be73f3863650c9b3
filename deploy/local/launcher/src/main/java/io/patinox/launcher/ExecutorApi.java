package io.patinox.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Calls the local executor's REST API with the local API key ({@code .patinox/api-key}). */
final class ExecutorApi {

    private final URI base;
    private final String apiKey;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    ExecutorApi(URI base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** The local mesh's executor. */
    static ExecutorApi local(Workspace ws) {
        return new ExecutorApi(URI.create("http://127.0.0.1:" + ServiceSpec.named("executor").port() + "/"),
                LocalApiKey.ensure(ws.work().resolve("api-key")));
    }

    /** {@code GET path}. */
    JsonNode get(String path) {
        return call("GET", path, null);
    }

    /** {@code POST path} with a JSON body. */
    JsonNode post(String path, Object body) {
        return call("POST", path, body);
    }

    private JsonNode call(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30))
                .header("X-API-Key", apiKey);
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
            throw new IllegalStateException("the executor does not answer at " + base + " (./patinox up?): " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
