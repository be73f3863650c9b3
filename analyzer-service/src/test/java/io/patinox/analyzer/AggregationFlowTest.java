package io.patinox.analyzer;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.patinox.contracts.events.LatencySummary;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.deploy.local.KafkaBrokerResource;
import io.patinox.deploy.local.KafkaTestClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The analyzer against the real broker: known events in, exact aggregates out, bad records parked. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class AggregationFlowTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Test
    void foldsAKnownSequenceIntoExactAggregates() {
        String agent = "support-" + UUID.randomUUID().toString().substring(0, 8);
        String version = "c0ffee1";
        // Inside the current minute, so the PT1M window holds every event.
        Instant at = Instant.now().truncatedTo(ChronoUnit.MINUTES).plusMillis(123);
        try (var client = new KafkaTestClient()) {
            var steps = List.of(
                    TestEvents.step(agent, version, "r1", 0, Verdict.allow(), StepOutcome.EXECUTED,
                            VerdictSource.VALIDATOR, new Usage(100, 20, 0.01), 1_000, 2_000, 500, at),
                    TestEvents.step(agent, version, "r1", 1, new Verdict.Modify(
                                    new io.patinox.contracts.events.Action.FinalAnswer("[redacted]"), "pii"),
                            StepOutcome.EXECUTED, VerdictSource.VALIDATOR, new Usage(50, 10, 0.005), 2_000, 4_000, 0,
                            at),
                    TestEvents.step(agent, version, "r2", 0, new Verdict.Retry("ground it"), StepOutcome.RETRIED,
                            VerdictSource.VALIDATOR, new Usage(10, 5, 0.001), 3_000, 6_000, 0, at),
                    TestEvents.step(agent, version, "r2", 1, new Verdict.Block("no answer"), StepOutcome.BLOCKED,
                            VerdictSource.FAIL_CLOSED, Usage.NONE, 4_000, 250_000, 0, at),
                    TestEvents.step(agent, version, "r3", 0, Verdict.allow(), StepOutcome.FAILED,
                            VerdictSource.FAIL_OPEN, Usage.NONE, 5_000, 250_000, 1_000, at),
                    TestEvents.step(agent, version, "r4", 0, new Verdict.Divert("human-review", "unsure"),
                            StepOutcome.DIVERTED, VerdictSource.VALIDATOR, Usage.NONE, 6_000, 8_000, 0, at));
            steps.forEach(s -> client.send(Topics.STEPS, s.runId(), s));
            client.send(Topics.VALIDATION_REPLIES, "r1",
                    TestEvents.reply(agent, version, "r1", 0, Verdict.allow(), 300, at));
            client.send(Topics.VALIDATION_REPLIES, "r1",
                    TestEvents.reply(agent, version, "r1", 1, Verdict.allow(), 700, at));
            client.send(Topics.RESULTS, "task-r1", TestEvents.result(agent, version, "r1", RunStatus.COMPLETED, at));
            client.send(Topics.RESULTS, "task-r2", TestEvents.result(agent, version, "r2", RunStatus.BLOCKED, at));
        }

        String totalSubject = "agent=" + agent + "|version=" + version + "|window=total";
        String minuteSubject = "agent=" + agent + "|version=" + version + "|window=PT1M|start="
                + at.truncatedTo(ChronoUnit.MINUTES);
        try (var aggregates = KafkaTestClient.reader(Topics.AGGREGATES)) {
            await().atMost(WAIT).until(() -> complete(aggregates.poll().latest.get(totalSubject))
                    && complete(aggregates.latest.get(minuteSubject)));
            assertExact(Json.decode(aggregates.latest.get(totalSubject), TelemetryAggregate.class), "total");
            TelemetryAggregate minute = Json.decode(aggregates.latest.get(minuteSubject), TelemetryAggregate.class);
            assertExact(minute, "PT1M");
            assertThat(minute.windowStart()).isEqualTo(at.truncatedTo(ChronoUnit.MINUTES));
            assertThat(minute.windowEnd()).isEqualTo(at.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60));
        }

        AtomicReference<TelemetryAggregate[]> fromRest = new AtomicReference<>();
        await().atMost(WAIT).until(() -> {
            String body = given().queryParam("agent", agent).queryParam("window", "total")
                    .get("/aggregates").then().statusCode(200).extract().asString();
            fromRest.set(Json.mapper().readValue(body, TelemetryAggregate[].class));
            return fromRest.get().length == 1 && complete(fromRest.get()[0]);
        });
        assertExact(fromRest.get()[0], "total");
        String oneMinute = given().queryParam("agent", agent).queryParam("version", version)
                .queryParam("window", "PT1M").get("/aggregates").then().statusCode(200).extract().asString();
        TelemetryAggregate[] windows = Json.decode(oneMinute, TelemetryAggregate[].class);
        assertThat(windows).hasSize(1);
        assertExact(windows[0], "PT1M");

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("patinox_steps_total{agent=\"" + agent + "\",config_version=\"" + version
                        + "\",outcome=\"executed\",verdict=\"allow\"} 1.0")
                .contains("patinox_runs_total{agent=\"" + agent + "\",config_version=\"" + version
                        + "\",status=\"blocked\"} 1.0")
                .contains("patinox_validation_latency_seconds_count{agent=\"" + agent)
                .contains("patinox_tokens_total{agent=\"" + agent + "\",config_version=\"" + version
                        + "\",direction=\"input\"} 160.0")
                .contains("patinox_cost_usd_total{agent=\"" + agent);
    }

    private static boolean complete(byte[] json) {
        return json != null && complete(Json.decode(json, TelemetryAggregate.class));
    }

    private static boolean complete(TelemetryAggregate a) {
        return a.steps() == 6 && a.runs() == 2 && a.latencies().get("validator").count() == 2;
    }

    private static void assertExact(TelemetryAggregate a, String window) {
        assertThat(a.window()).isEqualTo(window);
        assertThat(a.steps()).isEqualTo(6);
        assertThat(a.runs()).isEqualTo(2);
        assertThat(a.verdicts()).containsExactlyInAnyOrderEntriesOf(
                Map.of("allow", 2L, "modify", 1L, "retry", 1L, "divert", 1L, "block", 1L));
        assertThat(a.runStatuses()).containsExactlyInAnyOrderEntriesOf(Map.of("completed", 1L, "blocked", 1L,
                "diverted", 0L, "budget_exceeded", 0L, "failed", 0L));
        assertThat(a.errors()).isEqualTo(1);
        assertThat(a.timeouts()).isEqualTo(2);
        assertThat(a.lateEvents()).isZero();
        assertThat(a.usage().inputTokens()).isEqualTo(160);
        assertThat(a.usage().outputTokens()).isEqualTo(35);
        assertThat(a.usage().costUsd()).isCloseTo(0.016, within(1e-9));
        // Validation round trips in ms: 2, 4, 6, 8, 250, 250. HdrHistogram with 2 digits: within 1 %.
        LatencySummary validation = a.latencies().get("validation");
        assertThat(validation.count()).isEqualTo(6);
        assertThat(validation.p50()).isCloseTo(6.0, within(0.06));
        assertThat(validation.p95()).isCloseTo(250.0, within(2.5));
        assertThat(validation.max()).isCloseTo(250.0, within(2.5));
        LatencySummary model = a.latencies().get("model");
        assertThat(model.count()).isEqualTo(6);
        assertThat(model.p50()).isCloseTo(3.0, within(0.03));
        assertThat(model.max()).isCloseTo(6.0, within(0.06));
        // Step = model + validation + execution: the largest is 5 + 250 + 1 ms.
        assertThat(a.latencies().get("step").max()).isCloseTo(256.0, within(2.56));
        LatencySummary validator = a.latencies().get("validator");
        assertThat(validator.count()).isEqualTo(2);
        assertThat(validator.max()).isCloseTo(0.7, within(0.007));
    }

    @Test
    void parksMalformedRecordsAndKeepsCounting() {
        String agent = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
        String badKey = "bad-" + agent;
        String missingKey = "missing-" + agent;
        Instant at = Instant.now();
        try (var client = new KafkaTestClient()) {
            client.sendRaw(Topics.STEPS, badKey, "not json at all".getBytes(StandardCharsets.UTF_8));
            String noAgent = Json.encodeToString(TestEvents.step(agent, "v1", "r9", 0, Verdict.allow(),
                    StepOutcome.EXECUTED, VerdictSource.VALIDATOR, Usage.NONE, 1, 1, 1, at))
                    .replace("\"agent\":\"" + agent + "\",", "");
            client.sendRaw(Topics.STEPS, missingKey, noAgent.getBytes(StandardCharsets.UTF_8));
            client.sendRaw(Topics.RESULTS, badKey, "{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8));
            client.send(Topics.STEPS, "r9", TestEvents.step(agent, "v1", "r9", 0, Verdict.allow(),
                    StepOutcome.EXECUTED, VerdictSource.VALIDATOR, Usage.NONE, 1, 1, 1, at));
            client.send(Topics.RESULTS, "task-r9", TestEvents.result(agent, "v1", "r9", RunStatus.COMPLETED, at));
        }
        try (var stepsDlq = KafkaTestClient.reader(Topics.dlq(Topics.STEPS));
             var resultsDlq = KafkaTestClient.reader(Topics.dlq(Topics.RESULTS));
             var aggregates = KafkaTestClient.reader(Topics.AGGREGATES)) {
            String subject = "agent=" + agent + "|version=v1|window=total";
            await().atMost(WAIT).until(() -> {
                byte[] latest = aggregates.poll().latest.get(subject);
                return latest != null && Json.decode(latest, TelemetryAggregate.class).runs() == 1
                        && Json.decode(latest, TelemetryAggregate.class).steps() == 1;
            });
            await().atMost(WAIT).until(() -> stepsDlq.poll().latest.containsKey(badKey)
                    && stepsDlq.latest.containsKey(missingKey) && resultsDlq.poll().latest.containsKey(badKey));
            ConsumerRecord<String, byte[]> notJson = find(stepsDlq.records, badKey);
            assertThat(new String(notJson.value(), StandardCharsets.UTF_8)).isEqualTo("not json at all");
            assertThat(reason(notJson)).contains("not valid JSON");
            assertThat(header(notJson, "dead-letter-topic")).isEqualTo(Topics.STEPS);
            assertThat(reason(find(stepsDlq.records, missingKey))).contains("agent");
            assertThat(reason(find(resultsDlq.records, badKey))).contains("RunResult");
        }
    }

    private static ConsumerRecord<String, byte[]> find(List<ConsumerRecord<String, byte[]>> records, String key) {
        return records.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow();
    }

    private static String reason(ConsumerRecord<String, byte[]> record) {
        return header(record, ReplyHeaders.DEAD_LETTER_REASON);
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        assertThat(header).as("header " + name + " on " + Arrays.toString(record.headers().toArray())).isNotNull();
        return new String(header.value(), StandardCharsets.UTF_8);
    }
}
