package io.patinox.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.json.Json;
import io.patinox.testkit.LocalHttpServer;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ./patinox review ...} against a local server answering like the executor's {@code /reviews}. */
class ReviewCommandTest {

    private static final String KEY = "ptx_test";
    private static final String REVIEW = """
            {"reviewId":"r-1","status":"WAITING","taskId":"t-9","runId":"run-9","agent":"refund-request",
             "workflow":"refund-request","step":"route/refund","stepIndex":4,"policy":"refunds",
             "action":{"type":"tool_call","tool":"refund","arguments":{"orderId":"A-7","amount":900}},
             "reason":"refunds above 500 need a human","input":"{\\"orderId\\":\\"A-7\\"}",
             "suspendedAt":"2026-11-25T17:00:00Z","expiresAt":"2026-11-26T17:00:00Z","onTimeout":"reject"}""";

    private LocalHttpServer server;
    private final List<JsonNode> bodies = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    @BeforeEach
    void start() {
        server = LocalHttpServer.start("/reviews", exchange -> {
            byte[] in = exchange.getRequestBody().readAllBytes();
            if (in.length > 0) {
                bodies.add(Json.mapper().readTree(in));
            }
            String path = exchange.getRequestURI().getPath();
            int status;
            String body;
            if (!KEY.equals(exchange.getRequestHeaders().getFirst("X-API-Key"))) {
                status = 401;
                body = "{\"error\":\"missing or wrong API key\"}";
            } else if (path.equals("/reviews")) {
                status = 200;
                body = "[" + REVIEW + "]";
            } else if (path.equals("/reviews/r-1")) {
                status = 200;
                body = REVIEW;
            } else if (path.matches("/reviews/r-1/(approve|edit|reject)")) {
                String kind = path.substring(path.lastIndexOf('/') + 1).toUpperCase();
                status = 202;
                body = "{\"decisionId\":\"d-1\",\"reviewId\":\"r-1\",\"taskId\":\"t-9\",\"decision\":\"" + kind
                        + "\",\"decidedBy\":\"" + bodies.get(bodies.size() - 1).path("reviewer").asText() + "\"}";
            } else {
                status = 404;
                body = "{\"error\":\"no review 'nope'\"}";
            }
            LocalHttpServer.respond(exchange, status, body);
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(String key, String... args) {
        ExecutorApi api = new ExecutorApi(URI.create(server.url() + "/"), key);
        return new ReviewCommand(api, lines::add).run(new ArrayList<>(List.of(args)));
    }

    @Test
    void listsAndShowsWaitingReviewsWithTheirPendingActionAndReason() {
        assertThat(run(KEY, "list")).isZero();
        assertThat(lines.get(0)).contains("r-1").contains("WAITING").contains("t-9").contains("refund-request")
                .contains("\"amount\":900").contains("refunds above 500 need a human");
        assertThat(run(KEY, "show", "r-1")).isZero();
        assertThat(String.join("\n", lines)).contains("step: route/refund").contains("policy: refunds")
                .contains("expiresAt: 2026-11-26T17:00:00Z").contains("onTimeout: reject");
        assertThat(server.requests()).containsExactly("GET /reviews", "GET /reviews/r-1");
    }

    @Test
    void approvesEditsAndRejectsNamingTheReviewer() {
        run(KEY, "approve", "r-1", "--reviewer", "ada");
        run(KEY, "edit", "r-1",
                "{\"type\":\"tool_call\",\"tool\":\"refund\",\"arguments\":{\"orderId\":\"A-7\",\"amount\":400}}",
                "--reviewer", "eve");
        run(KEY, "reject", "r-1", "the", "order", "was", "never", "paid", "--reviewer", "bob");

        assertThat(server.requests()).containsExactly("POST /reviews/r-1/approve", "POST /reviews/r-1/edit",
                "POST /reviews/r-1/reject");
        assertThat(bodies.get(0).path("reviewer").asText()).isEqualTo("ada");
        assertThat(bodies.get(1).path("action").path("arguments").path("amount").asInt()).isEqualTo(400);
        assertThat(bodies.get(2).path("reason").asText()).isEqualTo("the order was never paid");
        assertThat(lines).containsExactly(
                "r-1 APPROVE by ada (decision d-1); the executor resumes the run",
                "r-1 EDIT by eve (decision d-1); the executor resumes the run",
                "r-1 REJECT by bob (decision d-1); the executor resumes the run");
    }

    @Test
    void refusesIncompleteDecisionsBeforeCallingAndReportsTheExecutorsErrors() {
        assertThatThrownBy(() -> run(KEY, "reject", "r-1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reason");
        assertThatThrownBy(() -> run(KEY, "edit", "r-1", "{not json")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not JSON");
        assertThat(server.requests()).isEmpty();
        assertThatThrownBy(() -> run(KEY, "approve", "nope")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("404").hasMessageContaining("no review 'nope'");
        assertThatThrownBy(() -> run("wrong", "list")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("401");
    }
}
