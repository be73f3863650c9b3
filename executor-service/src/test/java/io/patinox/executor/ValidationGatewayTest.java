package io.patinox.executor;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.hamcrest.Matchers;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The request-reply correlator against a validator that answers instantly, with {@code linger.ms=0} on
 * both sides: the case where a requester that registers its pending reply after the send's
 * acknowledgement drops replies.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class ValidationGatewayTest {

    static final int N = 200;

    @Inject
    ValidationGateway gateway;

    @BeforeEach
    void ready() {
        TestValidator.get();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(gateway::isReady);
    }

    static ValidationRequest request(String taskId, int i) {
        return new ValidationRequest(ValidationRequest.SCHEMA_VERSION, UUID.randomUUID().toString(), taskId,
                "run-" + i, i, "calc", "test", "default", new Action.FinalAnswer("answer " + i),
                new StepContext("input", List.of(), null, 0), Instant.now());
    }

    @Test
    void everyInstantReplyIsMatchedWhenSentConcurrently() throws Exception {
        String taskId = "gateway-burst-" + UUID.randomUUID();
        List<ValidationRequest> requests = new ArrayList<>();
        List<CompletableFuture<ValidationReply>> replies = new ArrayList<>();
        for (int i = 0; i < N; i++) {
            ValidationRequest r = request(taskId, i);
            requests.add(r);
            replies.add(gateway.send(r));
        }
        CompletableFuture.allOf(replies.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
        for (int i = 0; i < N; i++) {
            assertThat(replies.get(i).get().requestId()).isEqualTo(requests.get(i).requestId());
        }
        assertThat(gateway.pendingCount()).isZero();
    }

    @Test
    void everyInstantReplyIsMatchedOneAfterAnother() {
        String taskId = "gateway-serial-" + UUID.randomUUID();
        long[] micros = new long[N];
        for (int i = 0; i < N; i++) {
            ValidationRequest r = request(taskId, i);
            long t0 = System.nanoTime();
            ValidationGateway.Answer answer = gateway.ask(r, Duration.ofSeconds(2));
            micros[i] = (System.nanoTime() - t0) / 1000;
            assertThat(answer.answered()).as("request %d: %s", i, answer.failure()).isTrue();
            assertThat(answer.reply().requestId()).isEqualTo(r.requestId());
        }
        Arrays.sort(micros);
        System.out.printf("patinox: gateway round trip over %d requests: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
                N, micros[N / 2] / 1000.0, micros[(int) (N * 0.99)] / 1000.0, micros[N - 1] / 1000.0);
    }

    @Test
    void readinessIncludesTheReplyConsumer() {
        RestAssured.get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'validation-gateway' }.status", Matchers.is("UP"));
    }
}
