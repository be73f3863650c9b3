package io.patinox.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.time.Duration;

/** Calls the local executor's REST API with the local API key ({@code .patinox/api-key}). */
final class ExecutorApi {

    private final ServiceApi api;

    ExecutorApi(URI base, String apiKey) {
        this.api = new ServiceApi("the executor", base, apiKey, Duration.ofSeconds(30));
    }

    /** The local mesh's executor. */
    static ExecutorApi local(Workspace ws) {
        return new ExecutorApi(URI.create("http://127.0.0.1:" + ServiceSpec.named("executor").port() + "/"),
                LocalApiKey.ensure(ws.work().resolve("api-key")));
    }

    /** {@code GET path}. */
    JsonNode get(String path) {
        return api.call("GET", path, null);
    }

    /** {@code POST path} with a JSON body. */
    JsonNode post(String path, Object body) {
        return api.call("POST", path, body);
    }
}
