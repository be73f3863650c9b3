package io.patinox.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code GET /runs/{taskId}/steps} streams the run's steps as server-sent events and ends with the run. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class RunStreamTest {

    @Inject
    ValidationGateway gateway;

    @TestHTTPResource("/runs")
    URL runs;

    @Test
    void streamsEveryStepThenEnds() throws Exception {
        TestValidator validator = TestValidator.get();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(gateway::isReady);
        String taskId = "sse-" + UUID.randomUUID();
        // Slow verdicts, so the stream is open while the run goes on.
        validator.on(taskId, r -> new TestValidator.Answer(io.patinox.contracts.verdict.Verdict.allow(), 300));
        HttpClient http = HttpClient.newHttpClient();
        var stream = http.sendAsync(HttpRequest.newBuilder(URI.create(runs + "/" + taskId + "/steps"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofLines());
        given().contentType("application/json")
                .body("{\"agent\":\"calc\",\"input\":\"What is 6 * 7?\",\"taskId\":\"" + taskId + "\"}")
                .post("/tasks").then().statusCode(202);

        HttpResponse<java.util.stream.Stream<String>> response = stream.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(response.statusCode()).isEqualTo(200);
        List<String> data = response.body().filter(l -> l.startsWith("data:")).toList();
        assertThat(data).hasSize(2);
        assertThat(data.get(0)).contains("\"stepIndex\":0").contains("\"tool\":\"calculator\"");
        assertThat(data.get(1)).contains("\"stepIndex\":1").contains("6 × 7 = 42.");
    }

    @Test
    void perStepOverheadOfTheExecutor() {
        TestValidator.get();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(gateway::isReady);
        int runs = 20;
        long[] overheadMicros = new long[runs];
        // Followed from their end, so each run's records are read once, not every topic from its start per run.
        try (var results = TestKafka.shared().followFromEnd(io.patinox.contracts.topics.Topics.RESULTS);
                var stepEvents = TestKafka.shared().followFromEnd(io.patinox.contracts.topics.Topics.STEPS)) {
            for (int i = 0; i < runs; i++) {
                String taskId = "overhead-" + UUID.randomUUID();
                FlowTest.submit(io.patinox.contracts.events.TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));
                var result = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    results.poll();
                    return results.latest(taskId, io.patinox.contracts.events.RunResult.class);
                }, java.util.Objects::nonNull);
                var steps = Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                    stepEvents.poll();
                    return stepEvents.values(result.runId(), io.patinox.contracts.events.StepEvent.class);
                }, l -> l.size() >= 2);
                long total = Duration.between(result.startedAt(), result.occurredAt()).toNanos() / 1000;
                long accounted = steps.stream().mapToLong(s -> s.modelLatencyMicros() + s.validationLatencyMicros()
                        + s.executionLatencyMicros()).sum();
                overheadMicros[i] = (total - accounted) / steps.size();
            }
        }
        java.util.Arrays.sort(overheadMicros);
        System.out.printf("patinox: executor overhead per step (run wall time minus model, verdict wait and tool time;"
                + " publishing the step event and the checkpoint included) over %d runs: p50 %.2f ms, max %.2f ms%n",
                runs, overheadMicros[runs / 2] / 1000.0, overheadMicros[runs - 1] / 1000.0);
        assertThat(overheadMicros[runs / 2]).isPositive().isLessThan(1_000_000);
    }
}
