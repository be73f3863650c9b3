package io.patinox.analyzer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patinox.analyzer.service.Windowing;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Event time: an out-of-order event within the grace period is counted in its own window; one past it is counted
 * as late (in its window and in the totals), not dropped.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class LateEventsTest {

    @Test
    void countsOutOfOrderEventsInTheirWindowAndLateOnesAsLate() {
        String agent = "late-" + UUID.randomUUID().toString().substring(0, 8);
        Instant now = Instant.now();
        // Stream time of the partition becomes at least `recent` and at most `now` (no test publishes later).
        Instant recent = now.minusSeconds(5);
        Instant minute = recent.truncatedTo(ChronoUnit.MINUTES);
        // Out of order yet within the 30 s grace: the previous minute's window when that is surely still open
        // (its end is < 25 s behind stream time), else 20+ s back in the same window.
        long intoMinute = Duration.between(minute, recent).toSeconds();
        Instant withinGrace = intoMinute < 20 ? minute.minusMillis(1) : minute.plusMillis(1);
        // Ten minutes back: its minute window closed long ago.
        Instant tooLate = now.minus(Duration.ofMinutes(10));
        int index = 0;
        for (Instant at : new Instant[] { recent, withinGrace, tooLate }) {
            // One key, one partition: processed in this order.
            TestKafka.shared().send(Topics.STEPS, "late-" + agent, TestEvents.step(agent, "v1", "r-" + agent, index++,
                    Verdict.allow(), StepOutcome.EXECUTED, VerdictSource.VALIDATOR, Usage.NONE, 1_000, 1_000, 0, at));
        }
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            TelemetryAggregate[] total = rest(agent, "total");
            assertThat(total).hasSize(1);
            assertThat(total[0].steps()).as("every event counts in the totals").isEqualTo(3);
            assertThat(total[0].lateEvents()).as("only the event ten minutes back is late").isEqualTo(1);
        });
        TelemetryAggregate[] minutes = rest(agent, "PT1M");
        TelemetryAggregate lateWindow = window(minutes, tooLate);
        assertThat(lateWindow.steps()).isZero();
        assertThat(lateWindow.lateEvents()).isEqualTo(1);
        TelemetryAggregate graceWindow = window(minutes, withinGrace);
        assertThat(graceWindow.lateEvents()).isZero();
        assertThat(Arrays.stream(minutes).mapToLong(TelemetryAggregate::steps).sum()).isEqualTo(2);
        assertThat(Arrays.stream(minutes).mapToLong(TelemetryAggregate::lateEvents).sum()).isEqualTo(1);
    }

    private static TelemetryAggregate window(TelemetryAggregate[] windows, Instant at) {
        Instant start = Instant.ofEpochMilli(Windowing.windowStart(at.toEpochMilli(), Duration.ofMinutes(1)));
        return Arrays.stream(windows).filter(w -> w.windowStart().equals(start)).findFirst().orElseThrow();
    }

    private static TelemetryAggregate[] rest(String agent, String window) {
        String body = given().queryParam("agent", agent).queryParam("window", window).get("/aggregates")
                .then().statusCode(200).extract().asString();
        return Json.decode(body, TelemetryAggregate[].class);
    }
}
