package io.patinox.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A local HTTP server that answers like OpenAI's chat-completions API ({@code POST /v1/chat/completions}), for
 * the edge the tests cannot reach: a hosted model. The code under test is the production client (quarkus-
 * langchain4j or the executor's own), pointed at {@link #baseUrl()}. What the "model" answers is the test's
 * {@code behaviour}: a text, a tool call, an HTTP error, each optionally late. Every request and every status
 * answered is recorded.
 */
public final class OpenAiServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One chat-completions request as it arrived. */
    public record Chat(JsonNode body) {
        /** The model the client asked for. */
        public String model() {
            return body.path("model").asText();
        }

        /** The messages, in order. */
        public List<JsonNode> messages() {
            List<JsonNode> messages = new ArrayList<>();
            body.path("messages").forEach(messages::add);
            return messages;
        }

        /** The first system message's text, or "". */
        public String system() {
            return messages().stream().filter(m -> "system".equals(m.path("role").asText())).findFirst()
                    .map(m -> m.path("content").asText()).orElse("");
        }

        /** The last user message's text, or "". */
        public String user() {
            String user = "";
            for (JsonNode m : messages()) {
                if ("user".equals(m.path("role").asText())) {
                    user = m.path("content").asText();
                }
            }
            return user;
        }

        /** The last message. */
        public JsonNode last() {
            List<JsonNode> messages = messages();
            return messages.isEmpty() ? JSON.createObjectNode() : messages.get(messages.size() - 1);
        }

        /** Whether the request offers the model tools. */
        public boolean offersTools() {
            return body.has("tools") && body.get("tools").size() > 0;
        }
    }

    /**
     * What the server answers to one request; the usage it reports defaults to 50 prompt and 7 completion
     * tokens, so tests can assert the sums the client makes.
     */
    public record Reply(int status, String content, String toolName, String toolArguments, String error,
            Duration delay, int promptTokens, int completionTokens) {
        /** An assistant message with {@code content}. */
        public static Reply text(String content) {
            return new Reply(200, content, null, null, null, Duration.ZERO, 50, 7);
        }

        /** An assistant message that calls {@code tool} with {@code argumentsJson}. */
        public static Reply toolCall(String tool, String argumentsJson) {
            return new Reply(200, null, tool, argumentsJson, null, Duration.ZERO, 50, 7);
        }

        /** An error the way OpenAI reports one: {@code {"error":{"message":...,"type":...}}}. */
        public static Reply error(int status, String type, String message) {
            String body = JSON.createObjectNode().set("error",
                    JSON.createObjectNode().put("message", message).put("type", type)).toString();
            return new Reply(status, null, null, null, body, Duration.ZERO, 0, 0);
        }

        /** The same reply, sent after {@code delay}. */
        public Reply after(Duration delay) {
            return new Reply(status, content, toolName, toolArguments, error, delay, promptTokens, completionTokens);
        }

        /** The same reply, reporting this usage. */
        public Reply withUsage(int prompt, int completion) {
            return new Reply(status, content, toolName, toolArguments, error, delay, prompt, completion);
        }
    }

    private final LocalHttpServer server;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "openai-server");
        t.setDaemon(true);
        return t;
    });
    private final List<Chat> requests = new CopyOnWriteArrayList<>();
    private final List<Integer> statuses = new CopyOnWriteArrayList<>();
    private final AtomicInteger ids = new AtomicInteger();
    private volatile Function<Chat, Reply> behaviour;

    private OpenAiServer(Function<Chat, Reply> behaviour) {
        this.behaviour = behaviour;
        this.server = LocalHttpServer.start("/v1/chat/completions", this::handle, threads);
    }

    /** A server on a free loopback port answering with {@code behaviour}. */
    public static OpenAiServer start(Function<Chat, Reply> behaviour) {
        return new OpenAiServer(behaviour);
    }

    /** The base URL a client takes ({@code http://127.0.0.1:<port>/v1}). */
    public String baseUrl() {
        return server.url() + "/v1";
    }

    /** Answers from now on with {@code behaviour}. */
    public void behaviour(Function<Chat, Reply> behaviour) {
        this.behaviour = behaviour;
    }

    /** Every request received, in order. */
    public List<Chat> requests() {
        return requests;
    }

    /** Every status answered, in order. */
    public List<Integer> statuses() {
        return statuses;
    }

    private void handle(HttpExchange exchange) throws IOException {
        Chat chat = new Chat(JSON.readTree(exchange.getRequestBody()));
        requests.add(chat);
        Reply reply = behaviour.apply(chat);
        if (!reply.delay().isZero()) {
            try {
                Thread.sleep(reply.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (reply.error() != null) {
            respond(exchange, reply.status(), reply.error());
            return;
        }
        ObjectNode message = JSON.createObjectNode().put("role", "assistant");
        String finish = "stop";
        if (reply.toolName() != null) {
            message.putNull("content");
            ObjectNode call = message.putArray("tool_calls").addObject();
            call.put("id", "call_" + ids.incrementAndGet()).put("type", "function");
            call.putObject("function").put("name", reply.toolName()).put("arguments", reply.toolArguments());
            finish = "tool_calls";
        } else {
            message.put("content", reply.content());
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("id", "chatcmpl-" + ids.incrementAndGet()).put("object", "chat.completion")
                .put("created", 1_700_000_000L).put("model", chat.model());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0).set("message", message);
        choice.put("finish_reason", finish);
        body.putObject("usage").put("prompt_tokens", reply.promptTokens())
                .put("completion_tokens", reply.completionTokens())
                .put("total_tokens", reply.promptTokens() + reply.completionTokens());
        respond(exchange, reply.status(), body.toString());
    }

    private void respond(HttpExchange exchange, int status, String json) throws IOException {
        statuses.add(status);
        LocalHttpServer.respond(exchange, status, "application/json", json);
    }

    @Override
    public void close() {
        server.close();
        threads.shutdownNow();
    }
}
