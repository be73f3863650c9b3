package io.patinox.executor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server that answers like the OpenAI chat-completions API, for the executor's real model
 * path: arithmetic questions get a {@code calculator} tool call, a tool result gets a text answer quoting
 * it, and a question containing "rate limited" is first refused with 429. Started once per test JVM as a
 * Quarkus test resource; every request body is recorded.
 */
public class FakeOpenAiServer implements QuarkusTestResourceLifecycleManager {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ARITHMETIC = Pattern.compile("(\\d+\\s*[-+*/]\\s*\\d+)");
    private static HttpServer server;

    /** Every request body received, in order. */
    public static final List<JsonNode> REQUESTS = new CopyOnWriteArrayList<>();
    /** The status codes answered, in order. */
    public static final List<Integer> STATUSES = new CopyOnWriteArrayList<>();
    private static final Set<String> RATE_LIMITED = ConcurrentHashMap.newKeySet();

    @Override
    public synchronized Map<String, String> start() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            server.createContext("/v1/chat/completions", FakeOpenAiServer::handle);
            server.start();
        }
        return Map.of("patinox.executor.openai.base-url", "http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
    }

    @Override
    public void stop() {
        // Kept for the whole test JVM, like the broker.
    }

    private static void handle(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        REQUESTS.add(body);
        ArrayNode messages = (ArrayNode) body.get("messages");
        JsonNode last = messages.get(messages.size() - 1);
        String user = "";
        for (JsonNode m : messages) {
            if ("user".equals(m.path("role").asText())) {
                user = m.path("content").asText();
            }
        }
        if (user.contains("rate limited") && RATE_LIMITED.add(user)) {
            respond(exchange, 429, "{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"rate_limit_exceeded\"}}");
            return;
        }
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        String finish;
        Matcher m = ARITHMETIC.matcher(user);
        if ("tool".equals(last.path("role").asText())) {
            message.put("content", "The result is " + last.path("content").asText() + ".");
            finish = "stop";
        } else if (m.find() && body.has("tools")) {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.put("id", "call_" + REQUESTS.size()).put("type", "function");
            call.putObject("function").put("name", "calculator")
                    .put("arguments", JSON.createObjectNode().put("expression", m.group(1)).toString());
            finish = "tool_calls";
        } else {
            message.put("content", "I can only do arithmetic.");
            finish = "stop";
        }
        ObjectNode reply = JSON.createObjectNode();
        reply.put("id", "chatcmpl-" + REQUESTS.size()).put("object", "chat.completion").put("created", 1_700_000_000L)
                .put("model", body.path("model").asText());
        ObjectNode choice = reply.putArray("choices").addObject();
        choice.put("index", 0).set("message", message);
        choice.put("finish_reason", finish);
        reply.putObject("usage").put("prompt_tokens", 50).put("completion_tokens", 7).put("total_tokens", 57);
        respond(exchange, 200, reply.toString());
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        STATUSES.add(status);
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
