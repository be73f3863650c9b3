package io.patinox.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.json.Json;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ./patinox review list | show <id> | approve <id> | edit <id> '<action json>' | reject <id> <reason>}: human
 * review of suspended runs through the executor's REST API ({@code /reviews}). Decisions name the reviewer as
 * {@code --reviewer NAME} (default: the login name).
 */
final class ReviewCommand {

    static final String USAGE = "usage: ./patinox review list | show <id> | approve <id> | edit <id> '<action json>'"
            + " | reject <id> <reason>  [--reviewer NAME]";

    private final ExecutorApi api;
    private final Consumer<String> out;

    ReviewCommand(ExecutorApi api, Consumer<String> out) {
        this.api = api;
        this.out = out;
    }

    /** Runs one sub-command; returns the exit code. */
    int run(List<String> args) {
        String reviewer = Patinox.option(args, "--reviewer", System.getProperty("user.name", "cli"));
        if (args.isEmpty()) {
            throw new IllegalArgumentException(USAGE);
        }
        String sub = args.get(0);
        if (sub.equals("list")) {
            JsonNode list = api.get("reviews");
            if (list.isEmpty()) {
                out.accept("no reviews waiting");
            }
            for (JsonNode r : list) {
                out.accept(line(r));
            }
            return 0;
        }
        if (args.size() < 2) {
            throw new IllegalArgumentException(USAGE);
        }
        String id = args.get(1);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("reviewer", reviewer);
        switch (sub) {
            case "show" -> show(api.get("reviews/" + id));
            case "approve" -> decided(api.post("reviews/" + id + "/approve", body));
            case "edit" -> {
                if (args.size() < 3) {
                    throw new IllegalArgumentException("edit needs the action to run instead, as JSON: "
                            + "'{\"type\":\"tool_call\",\"tool\":\"refund\",\"arguments\":{\"orderId\":\"1234\",\"amount\":400}}'");
                }
                try {
                    body.put("action", Json.mapper().readTree(String.join(" ", args.subList(2, args.size()))));
                } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                    throw new IllegalArgumentException("the action is not JSON: " + e.getOriginalMessage(), e);
                }
                decided(api.post("reviews/" + id + "/edit", body));
            }
            case "reject" -> {
                if (args.size() < 3) {
                    throw new IllegalArgumentException("reject needs a reason: ./patinox review reject <id> <reason>");
                }
                body.put("reason", String.join(" ", args.subList(2, args.size())));
                decided(api.post("reviews/" + id + "/reject", body));
            }
            default -> throw new IllegalArgumentException("unknown review command '" + sub + "'\n" + USAGE);
        }
        return 0;
    }

    static String line(JsonNode r) {
        return String.format("%-36s %-8s %-20s %-14s %s  (%s)", r.path("reviewId").asText(), r.path("status").asText(),
                r.path("taskId").asText(), r.path("workflow").isNull() || r.path("workflow").isMissingNode()
                        ? r.path("agent").asText()
                        : r.path("workflow").asText(),
                Demo.clip(action(r.path("action")), 60),
                r.path("reason").asText());
    }

    /** {@code refund {"orderId":"A-7","amount":900}}, or the answer of a final answer. */
    static String action(JsonNode a) {
        return a.path("type").asText().equals("tool_call") ? a.path("tool").asText() + " " + a.path("arguments")
                : "final_answer \"" + a.path("answer").asText() + "\"";
    }

    private void show(JsonNode r) {
        out.accept(line(r));
        for (String field : List.of("runId", "agent", "workflow", "step", "stepIndex", "policy", "input", "suspendedAt",
                "expiresAt", "onTimeout")) {
            if (r.hasNonNull(field)) {
                out.accept("  " + field + ": " + r.path(field).asText());
            }
        }
        out.accept("  action: " + r.path("action"));
    }

    private void decided(JsonNode d) {
        out.accept(String.format("%s %s by %s (decision %s); the executor resumes the run", d.path("reviewId").asText(),
                d.path("decision").asText(), d.path("decidedBy").asText(), d.path("decisionId").asText()));
    }
}
