package io.patinox.evolution;

import io.patinox.testkit.OpenAiServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;

/**
 * A drafting model for the service under test: a local server answering like OpenAI's API with an agent patch
 * that adds one line to the instructions. Applies to every {@code @QuarkusTest} of the module (one application);
 * only clusters of retried steps ask it, and only {@code ModelDraftedFlowTest} makes them.
 */
public class DraftingModelResource implements QuarkusTestResourceLifecycleManager {

    static final String ADDED = "Never put e-mail addresses in an answer; point to the contact form instead.";
    static OpenAiServer server;

    @Override
    public Map<String, String> start() {
        server = OpenAiServer.start(chat -> OpenAiServer.Reply.text("""
                {"rationale": "Steps were sent back for e-mail addresses.",
                 "changes": [{"field": "instructions", "value": "Answer briefly.\\n%s"}]}""".formatted(ADDED)));
        return Map.of("patinox.evolution.drafter.base-url", server.baseUrl(),
                "patinox.evolution.drafter.model", "drafter-it",
                "patinox.evolution.drafter.api-key", "sk-test");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.close();
        }
    }
}
