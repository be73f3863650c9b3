package io.patinox.evolution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patinox.contracts.events.LatencySummary;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The evolution service receives aggregates from the real broker; bad ones are parked. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(ConfigRepoResource.class)
class AggregateConsumerTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    static TelemetryAggregate aggregate(String agent, long steps) {
        String subject = "agent=" + agent + "|version=v1|window=total";
        return new TelemetryAggregate(TelemetryAggregate.SCHEMA_VERSION, subject, agent, "v1", null, null,
                TelemetryAggregate.TOTAL, Instant.parse("2026-11-25T14:00:00Z"), Instant.parse("2026-11-25T14:00:05Z"),
                1, steps, Map.of("allow", steps), Map.of("completed", 1L), 0, 0, 0,
                Map.of("step", new LatencySummary(steps, 1.0, 2.0, 3.0, 4.0)), new Usage(10, 5, 0.01), List.of(),
                Instant.now());
    }

    @Test
    void keepsTheLatestAggregatePerSubject() {
        String agent = "evo-" + UUID.randomUUID().toString().substring(0, 8);
        var kafka = TestKafka.shared();
        kafka.send(Topics.AGGREGATES, aggregate(agent, 1).subject(), aggregate(agent, 1));
        kafka.send(Topics.AGGREGATES, aggregate(agent, 3).subject(), aggregate(agent, 3));
        await().atMost(WAIT).untilAsserted(() -> {
            String body = given().queryParam("agent", agent).get("/aggregates").then().statusCode(200)
                    .extract().asString();
            TelemetryAggregate[] seen = Json.decode(body, TelemetryAggregate[].class);
            assertThat(seen).hasSize(1);
            assertThat(seen[0].steps()).isEqualTo(3);
            assertThat(seen[0].subject()).isEqualTo("agent=" + agent + "|version=v1|window=total");
        });
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void parksAMalformedAggregateAndKeepsConsuming() {
        String agent = "evo-bad-" + UUID.randomUUID().toString().substring(0, 8);
        String badKey = "agent=" + agent + "|broken";
        var kafka = TestKafka.shared();
        kafka.sendRaw(Topics.AGGREGATES, badKey, "{\"schemaVersion\":1,\"subject\":\"x\"}"
                .getBytes(StandardCharsets.UTF_8));
        kafka.send(Topics.AGGREGATES, aggregate(agent, 2).subject(), aggregate(agent, 2));
        try (var dlq = kafka.follow(Topics.dlq(Topics.AGGREGATES))) {
            await().atMost(WAIT).until(() -> {
                dlq.poll();
                return dlq.keys().contains(badKey);
            });
            var parked = dlq.records().stream().filter(r -> badKey.equals(r.key())).findFirst().orElseThrow();
            assertThat(new String(parked.value(), StandardCharsets.UTF_8)).contains("\"subject\":\"x\"");
            var reason = TestKafka.header(parked, ReplyHeaders.DEAD_LETTER_REASON);
            assertThat(reason).isNotNull();
            assertThat(reason).contains("TelemetryAggregate");
        }
        await().atMost(WAIT).untilAsserted(() -> {
            String body = given().queryParam("agent", agent).get("/aggregates").then().statusCode(200)
                    .extract().asString();
            assertThat(Json.decode(body, TelemetryAggregate[].class)).extracting(TelemetryAggregate::steps)
                    .containsExactly(2L);
        });
    }
}
