package io.patinox.testkit;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.ValidationRequest;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Validation requests as the executor would send them. */
public final class ValidationRequests {

    private ValidationRequests() {
    }

    public static ValidationRequest request(String policy, int step, String input, Action action) {
        return new ValidationRequest(ValidationRequest.SCHEMA_VERSION, UUID.randomUUID().toString(), "task-1",
                "run-" + UUID.randomUUID(), step, "assistant", "abc123", policy, action,
                new StepContext(input, List.of(), null, 0), Instant.now());
    }

    public static ValidationRequest answer(String text) {
        return request("default", 0, "What is 17 times 23?", new Action.FinalAnswer(text));
    }

    public static ValidationRequest answer(String input, String text) {
        return request("default", 0, input, new Action.FinalAnswer(text));
    }

    public static ValidationRequest tool(String tool, Map<String, Object> arguments) {
        return request("default", 1, "Please help me with my order.", new Action.ToolCall(tool, arguments));
    }
}
