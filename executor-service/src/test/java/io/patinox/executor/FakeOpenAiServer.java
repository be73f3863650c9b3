package io.patinox.executor;

import io.patinox.contracts.json.Json;
import io.patinox.testkit.OpenAiServer;
import io.patinox.testkit.OpenAiServer.Chat;
import io.patinox.testkit.OpenAiServer.Reply;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The model endpoint of the executor's real model path, as a Quarkus test resource: one {@link OpenAiServer} for
 * the whole test JVM, like the broker. Arithmetic questions get a {@code calculator} tool call, a tool result gets
 * a text answer quoting it, and a question containing "rate limited" is first refused with 429.
 */
public class FakeOpenAiServer implements QuarkusTestResourceLifecycleManager {

    private static final Pattern ARITHMETIC = Pattern.compile("(\\d+\\s*[-+*/]\\s*\\d+)");
    private static final Set<String> RATE_LIMITED = ConcurrentHashMap.newKeySet();
    private static OpenAiServer server;

    @Override
    public Map<String, String> start() {
        return Map.of("patinox.executor.openai.base-url", server().baseUrl());
    }

    @Override
    public void stop() {
        // Kept for the whole test JVM, like the broker.
    }

    /** Every request received, in order. */
    static List<Chat> requests() {
        return server().requests();
    }

    /** The status codes answered, in order. */
    static List<Integer> statuses() {
        return server().statuses();
    }

    private static synchronized OpenAiServer server() {
        if (server == null) {
            server = OpenAiServer.start(FakeOpenAiServer::answer);
        }
        return server;
    }

    private static Reply answer(Chat chat) {
        String user = chat.user();
        if (user.contains("rate limited") && RATE_LIMITED.add(user)) {
            return Reply.error(429, "rate_limit_exceeded", "Rate limit reached");
        }
        if ("tool".equals(chat.last().path("role").asText())) {
            return Reply.text("The result is " + chat.last().path("content").asText() + ".");
        }
        Matcher m = ARITHMETIC.matcher(user);
        if (m.find() && chat.offersTools()) {
            return Reply.toolCall("calculator", Json.mapper().createObjectNode().put("expression", m.group(1)).toString());
        }
        return Reply.text("I can only do arithmetic.");
    }
}
