package io.patinox.validator.ai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A local HTTP server that answers like the OpenAI chat-completions API, playing a judge model: the
 * jailbreak judge flags texts with "DAN" or "no restrictions"; the groundedness judge calls an answer
 * grounded when each of its numbers appears in the task or the tool outputs. An answer containing
 * {@code SLOW} is answered after 3 s, {@code ERROR500} with HTTP 500, {@code GARBAGE} with prose instead of JSON.
 */
final class FakeJudgeServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern NUMBER = Pattern.compile("\\d+(?:[.,]\\d+)?");
    private static final Pattern SECTION = Pattern.compile("(?s)<<<(\\w+)\\n(.*?)\\n\\1>>>");

    private final HttpServer server;
    /** Every request body received. */
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    FakeJudgeServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/chat/completions", this::handle);
        server.setExecutor(Executors.newCachedThreadPool());
        server.start();
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    private void handle(HttpExchange exchange) throws IOException {
        JsonNode body = JSON.readTree(exchange.getRequestBody());
        requests.add(body);
        String system = body.path("messages").get(0).path("content").asText();
        String user = body.path("messages").get(1).path("content").asText();
        String content;
        if (user.contains("ERROR500")) {
            respond(exchange, 500, "{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}");
            return;
        }
        if (user.contains("SLOW")) {
            try {
                Thread.sleep(3000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (user.contains("GARBAGE")) {
            content = "Looks fine to me!";
        } else if (system.contains("security reviewer")) {
            boolean attack = user.contains("DAN") || user.contains("no restrictions");
            content = JSON.createObjectNode().put("jailbreak", attack).put("score", attack ? 0.96 : 0.03)
                    .put("reason", attack ? "role-play that removes the rules" : "an ordinary request").toString();
        } else {
            StringBuilder sources = new StringBuilder();
            String answer = "";
            Matcher m = SECTION.matcher(user);
            while (m.find()) {
                if (m.group(1).equals("ANSWER")) {
                    answer = m.group(2);
                } else {
                    sources.append(m.group(2)).append('\n');
                }
            }
            ObjectNode verdict = JSON.createObjectNode();
            var unsupported = verdict.putArray("unsupported");
            Matcher n = NUMBER.matcher(answer);
            int claims = 0;
            while (n.find()) {
                claims++;
                if (!sources.toString().contains(n.group())) {
                    unsupported.add("the figure " + n.group());
                }
            }
            boolean grounded = unsupported.isEmpty();
            verdict.put("grounded", grounded).put("score", grounded ? 0.95 : claims == 0 ? 0 : 0.2)
                    .put("feedback", grounded ? "" : "Quote the order status tool's figures instead.");
            // Like many models: the JSON inside a Markdown fence.
            content = "```json\n" + verdict + "\n```";
        }
        ObjectNode reply = JSON.createObjectNode();
        reply.put("id", "chatcmpl-" + requests.size()).put("object", "chat.completion").put("created", 1_700_000_000L)
                .put("model", body.path("model").asText());
        ObjectNode choice = reply.putArray("choices").addObject();
        choice.put("index", 0).putObject("message").put("role", "assistant").put("content", content);
        choice.put("finish_reason", "stop");
        reply.putObject("usage").put("prompt_tokens", 120).put("completion_tokens", 30).put("total_tokens", 150);
        respond(exchange, 200, reply.toString());
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
