package io.patinox.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code ./patinox proposals list|show|approve|reject|revert <id>}: the evolution service's REST API
 * ({@code /proposals}) from the command line.
 */
final class ProposalsCommand {

    static final String USAGE = "usage: ./patinox proposals list | show <id> | approve <id> | reject <id> [reason]"
            + " | revert <id>";

    private final ServiceApi api;
    private final Consumer<String> out;

    ProposalsCommand(URI base, Consumer<String> out) {
        this.api = new ServiceApi("the evolution service", base, null, Duration.ofSeconds(60));
        this.out = out;
    }

    /** Runs one sub-command; returns the exit code. */
    int run(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException(USAGE);
        }
        String sub = args.get(0);
        if (sub.equals("list")) {
            JsonNode list = call("GET", "proposals");
            if (list.isEmpty()) {
                out.accept("no proposals");
            }
            for (JsonNode p : list) {
                out.accept(String.format("%-12s %-9s %-18s %-14s %s", p.path("proposalId").asText(),
                        p.path("status").asText(), p.path("kind").asText(), p.path("agent").asText(),
                        p.path("summary").asText()));
            }
            return 0;
        }
        if (args.size() < 2) {
            throw new IllegalArgumentException(USAGE);
        }
        String id = args.get(1);
        switch (sub) {
            case "show" -> {
                JsonNode shown = call("GET", "proposals/" + id);
                print(shown.path("proposal"));
                out.accept("evidence:");
                shown.path("evidence").fields().forEachRemaining(e -> out.accept("  " + e.getKey() + ": "
                        + e.getValue().asText().replace("\n", "\n    ")));
                String diff = shown.path("diff").asText();
                out.accept(diff.isEmpty() ? "(no commit)" : diff);
            }
            case "approve", "revert" -> print(call("POST", "proposals/" + id + "/" + sub));
            case "reject" -> {
                String reason = args.size() > 2 ? String.join(" ", args.subList(2, args.size())) : "";
                print(call("POST", "proposals/" + id + "/reject" + (reason.isEmpty() ? ""
                        : "?reason=" + java.net.URLEncoder.encode(reason, StandardCharsets.UTF_8))));
            }
            default -> throw new IllegalArgumentException("unknown proposals command '" + sub + "'\n" + USAGE);
        }
        return 0;
    }

    private void print(JsonNode p) {
        out.accept(String.format("%s %s (%s, agent %s): %s", p.path("proposalId").asText(), p.path("status").asText(),
                p.path("kind").asText(), p.path("agent").asText(), p.path("summary").asText()));
        for (String field : List.of("branch", "commit", "reviewUrl", "baseConfigVersion")) {
            if (p.hasNonNull(field)) {
                out.accept("  " + field + ": " + p.path(field).asText());
            }
        }
        for (String key : List.of("previousConfigVersion", "mergedConfigVersion", "revertedConfigVersion",
                "configVersionAfterRevert")) {
            if (p.path("evidence").hasNonNull(key)) {
                out.accept("  " + key + ": " + p.path("evidence").path(key).asText());
            }
        }
    }

    private JsonNode call(String method, String path) {
        return api.call(method, path, null);
    }
}
