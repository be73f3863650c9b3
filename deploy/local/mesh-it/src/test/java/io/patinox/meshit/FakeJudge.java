package io.patinox.meshit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.patinox.contracts.json.Json;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * A local HTTP server that answers like the OpenAI chat-completions API, in the part the validator's LLM judges
 * use: the jailbreak judge hears "no jailbreak"; the groundedness judge calls an answer ungrounded the first time
 * it sees it, with feedback, and grounded after that, so a run under the {@code llm} policy meets one Retry.
 */
final class FakeJudge implements AutoCloseable {

    static final String FEEDBACK = "Say where the figure comes from.";

    private final HttpServer server;
    private final Set<String> judged = ConcurrentHashMap.newKeySet();

    FakeJudge() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        JsonNode body = Json.mapper().readTree(exchange.getRequestBody());
        String system = body.path("messages").get(0).path("content").asText();
        String user = body.path("messages").get(1).path("content").asText();
        ObjectNode verdict = Json.mapper().createObjectNode();
        if (system.contains("security reviewer")) {
            verdict.put("jailbreak", false).put("score", 0.02).put("reason", "an ordinary request");
        } else {
            boolean first = judged.add(user);
            verdict.put("grounded", !first).put("score", first ? 0.2 : 0.95).put("feedback", first ? FEEDBACK : "");
            verdict.putArray("unsupported");
        }
        ObjectNode reply = Json.mapper().createObjectNode();
        reply.put("id", "chatcmpl-" + judged.size()).put("object", "chat.completion").put("created", 1_700_000_000L)
                .put("model", body.path("model").asText());
        ObjectNode choice = reply.putArray("choices").addObject();
        choice.put("index", 0).putObject("message").put("role", "assistant").put("content", verdict.toString());
        choice.put("finish_reason", "stop");
        reply.putObject("usage").put("prompt_tokens", 100).put("completion_tokens", 20).put("total_tokens", 120);
        byte[] bytes = reply.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
