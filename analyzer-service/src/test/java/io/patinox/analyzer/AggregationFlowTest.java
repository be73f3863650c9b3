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
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.jboss.logmanager.ExtLogRecord;
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
        var kafka = TestKafka.shared();
        // Tools: lookup (r1/0, r1/1, r3/0), search (r2/0, r2/1); r4/0 is a final answer (no tool).
        var steps = List.of(
                TestEvents.step(agent, version, "r1", 0, "lookup", Verdict.allow(), StepOutcome.EXECUTED,
                        VerdictSource.VALIDATOR, new Usage(100, 20, 0.01), 1_000, 2_000, 500, at),
                TestEvents.step(agent, version, "r1", 1, "lookup", new Verdict.Modify(
                        new io.patinox.contracts.events.Action.FinalAnswer("[redacted]"), "pii"),
                        StepOutcome.EXECUTED, VerdictSource.VALIDATOR, new Usage(50, 10, 0.005), 2_000, 4_000, 0,
                        at),
                TestEvents.step(agent, version, "r2", 0, "search", new Verdict.Retry("ground it"),
                        StepOutcome.RETRIED, VerdictSource.VALIDATOR, new Usage(10, 5, 0.001), 3_000, 6_000, 0, at),
                TestEvents.step(agent, version, "r2", 1, "search", new Verdict.Block("no answer"),
                        StepOutcome.BLOCKED, VerdictSource.FAIL_CLOSED, Usage.NONE, 4_000, 250_000, 0, at),
                TestEvents.step(agent, version, "r3", 0, "lookup", Verdict.allow(), StepOutcome.FAILED,
                        VerdictSource.FAIL_OPEN, Usage.NONE, 5_000, 250_000, 1_000, at),
                TestEvents.step(agent, version, "r4", 0, null, new Verdict.Divert("human-review", "unsure"),
                        StepOutcome.DIVERTED, VerdictSource.VALIDATOR, Usage.NONE, 6_000, 8_000, 0, at));
        // Every record twice, as a producer retry or a client publishing again would: each counts once.
        steps.forEach(s -> kafka.send(Topics.STEPS, s.runId(), s));
        steps.forEach(s -> kafka.send(Topics.STEPS, s.runId(), s));
        // Validators: rules (allow 100 us, allow 150 us), pii (allow 200 us, modify 500 us).
        kafka.send(Topics.VALIDATION_REPLIES, "r1", TestEvents.reply(agent, version, "r1", 0, Verdict.allow(),
                300, at, List.of(TestEvents.finding("rules", Verdict.Kind.ALLOW, 100),
                        TestEvents.finding("pii", Verdict.Kind.ALLOW, 200))));
        kafka.send(Topics.VALIDATION_REPLIES, "r1", TestEvents.reply(agent, version, "r1", 1, Verdict.allow(),
                700, at, List.of(TestEvents.finding("rules", Verdict.Kind.ALLOW, 150),
                        TestEvents.finding("pii", Verdict.Kind.MODIFY, 500))));
        kafka.send(Topics.RESULTS, "task-r1", TestEvents.result(agent, version, "r1", RunStatus.COMPLETED, at));
        kafka.send(Topics.RESULTS, "task-r2", TestEvents.result(agent, version, "r2", RunStatus.BLOCKED, at));
        kafka.send(Topics.VALIDATION_REPLIES, "r1", TestEvents.reply(agent, version, "r1", 0, Verdict.allow(),
                300, at, List.of(TestEvents.finding("rules", Verdict.Kind.ALLOW, 100),
                        TestEvents.finding("pii", Verdict.Kind.ALLOW, 200))));
        kafka.send(Topics.RESULTS, "task-r1", TestEvents.result(agent, version, "r1", RunStatus.COMPLETED, at));

        String totalSubject = "agent=" + agent + "|version=" + version + "|window=total";
        String minuteSubject = "agent=" + agent + "|version=" + version + "|window=PT1M|start="
                + at.truncatedTo(ChronoUnit.MINUTES);
        try (var aggregates = kafka.follow(Topics.AGGREGATES)) {
            await().atMost(WAIT).until(() -> {
                aggregates.poll();
                return complete(aggregates.latest(totalSubject, TelemetryAggregate.class))
                        && complete(aggregates.latest(minuteSubject, TelemetryAggregate.class));
            });
            assertExact(aggregates.latest(totalSubject, TelemetryAggregate.class), "total");
            TelemetryAggregate minute = aggregates.latest(minuteSubject, TelemetryAggregate.class);
            assertExact(minute, "PT1M");
            assertThat(minute.windowStart()).isEqualTo(at.truncatedTo(ChronoUnit.MINUTES));
            assertThat(minute.windowEnd()).isEqualTo(at.truncatedTo(ChronoUnit.MINUTES).plusSeconds(60));

            String base = "agent=" + agent + "|version=" + version;
            String minuteStart = "|window=PT1M|start=" + at.truncatedTo(ChronoUnit.MINUTES);
            Map<String, java.util.function.Consumer<TelemetryAggregate>> scoped = Map.of(
                    base + "|tool=lookup|window=total", AggregationFlowTest::assertLookup,
                    base + "|tool=lookup" + minuteStart, AggregationFlowTest::assertLookup,
                    base + "|tool=search|window=total", AggregationFlowTest::assertSearch,
                    base + "|tool=search" + minuteStart, AggregationFlowTest::assertSearch,
                    base + "|validator=rules|window=total", AggregationFlowTest::assertRules,
                    base + "|validator=rules" + minuteStart, AggregationFlowTest::assertRules,
                    base + "|validator=pii|window=total", AggregationFlowTest::assertPii,
                    base + "|validator=pii" + minuteStart, AggregationFlowTest::assertPii);
            await().atMost(WAIT).until(() -> {
                aggregates.poll();
                return scoped.keySet().stream().allMatch(subject -> aggregates.latest(subject, TelemetryAggregate.class) != null
                        && aggregates.latest(subject, TelemetryAggregate.class).steps() == 2
                                + (subject.contains("tool=lookup") ? 1 : 0));
            });
            scoped.forEach((subject, check) -> {
                TelemetryAggregate a = aggregates.latest(subject, TelemetryAggregate.class);
                assertThat(a.subject()).isEqualTo(subject);
                assertThat(a.agent()).isEqualTo(agent);
                assertThat(a.configVersion()).isEqualTo(version);
                check.accept(a);
            });
            assertThat(aggregates.keys()).as("a final answer has no tool subject")
                    .noneMatch(subject -> subject.startsWith(base + "|tool=") && !subject.contains("tool=lookup")
                            && !subject.contains("tool=search"));
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

        String lookup = given().queryParam("agent", agent).queryParam("window", "total").queryParam("tool", "lookup")
                .get("/aggregates").then().statusCode(200).extract().asString();
        TelemetryAggregate[] lookups = Json.decode(lookup, TelemetryAggregate[].class);
        assertThat(lookups).hasSize(1);
        assertLookup(lookups[0]);
        TelemetryAggregate[] tools = Json.decode(given().queryParam("agent", agent).queryParam("version", version)
                .queryParam("window", "PT1M").queryParam("tool", "*").get("/aggregates").then().statusCode(200)
                .extract().asString(), TelemetryAggregate[].class);
        assertThat(tools).extracting(TelemetryAggregate::tool).containsExactly("lookup", "search");
        assertSearch(tools[1]);
        TelemetryAggregate[] validators = Json.decode(given().queryParam("agent", agent).queryParam("window", "total")
                .queryParam("validator", "*").get("/aggregates").then().statusCode(200).extract().asString(),
                TelemetryAggregate[].class);
        assertThat(validators).extracting(TelemetryAggregate::validator).containsExactly("pii", "rules");
        assertPii(validators[0]);
        assertRules(validators[1]);
        given().queryParam("agent", agent).queryParam("tool", "lookup").queryParam("validator", "pii")
                .get("/aggregates").then().statusCode(400);

        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics)
                .contains("patinox_steps_total{agent=\"" + agent + "\",config_version=\"" + version
                        + "\",outcome=\"executed\",verdict=\"allow\"} 1.0")
                .contains("patinox_runs_total{agent=\"" + agent + "\",config_version=\"" + version
                        + "\",status=\"blocked\"} 1.0")
                .contains("patinox_validation_latency_seconds_count{agent=\"" + agent)
                .contains("patinox_tokens_total{agent=\"" + agent + "\",config_version=\"" + version
                        + "\",direction=\"input\"} 160.0")
                .contains("patinox_cost_usd_total{agent=\"" + agent)
                .contains("patinox_tool_calls_total{agent=\"" + agent + "\",config_version=\"" + version
                        + "\",outcome=\"executed\",tool=\"lookup\"} 2.0")
                .contains("patinox_tool_latency_seconds_count{agent=\"" + agent + "\",tool=\"lookup\"} 3")
                .contains("patinox_validator_findings_total{outcome=\"modify\",validator=\"pii\"}")
                .contains("patinox_validator_check_latency_seconds_count{validator=\"pii\"}")
                .contains("patinox_duplicates_total{topic=\"" + Topics.STEPS + "\"}")
                .contains("patinox_duplicates_total{topic=\"" + Topics.RESULTS + "\"}")
                // No test parks a reply: the counter exists at 0 from the start.
                .contains("patinox_dead_letters_total{topic=\"" + Topics.VALIDATION_REPLIES + "\"} 0.0");
    }

    private static boolean complete(TelemetryAggregate a) {
        return a != null && a.steps() == 6 && a.runs() == 2 && a.latencies().get("validator").count() == 2;
    }

    private static void assertExact(TelemetryAggregate a, String window) {
        assertThat(a.window()).isEqualTo(window);
        assertThat(a.steps()).isEqualTo(6);
        assertThat(a.runs()).isEqualTo(2);
        assertVerdicts(a, 2, 1, 1, 1, 1);
        assertThat(a.runStatuses()).containsExactlyInAnyOrderEntriesOf(Map.of("completed", 1L, "blocked", 1L,
                "diverted", 0L, "budget_exceeded", 0L, "failed", 0L, "suspended", 0L));
        assertThat(a.errors()).isEqualTo(1);
        assertThat(a.timeouts()).isEqualTo(2);
        assertThat(a.lateEvents()).isZero();
        assertTokens(a, 160, 35);
        assertThat(a.usage().costUsd()).isCloseTo(0.016, within(1e-9));
        // Validation round trips in ms: 2, 4, 6, 8, 250, 250. HdrHistogram with 2 digits: within 1 %.
        LatencySummary validation = a.latencies().get("validation");
        assertLatency(validation, 6, 6.0, 250.0);
        assertThat(validation.p95()).isCloseTo(250.0, within(2.5));
        assertLatency(a.latencies().get("model"), 6, 3.0, 6.0);
        // Step = model + validation + execution: the largest is 5 + 250 + 1 ms.
        assertThat(a.latencies().get("step").max()).isCloseTo(256.0, within(2.56));
        LatencySummary validator = a.latencies().get("validator");
        assertThat(validator.count()).isEqualTo(2);
        assertThat(validator.max()).isCloseTo(0.7, within(0.007));
        // Tool time of the steps whose tool ran (executed or failed): 0.5, 0 and 1 ms.
        assertLatency(a.latencies().get("tool"), 3, 0.5, 1.0);
        assertThat(a.tool()).isNull();
        assertThat(a.validator()).isNull();
    }

    /** Steps r1/0, r1/1 and r3/0. */
    private static void assertLookup(TelemetryAggregate a) {
        assertScoped(a, "lookup", null, 3);
        assertVerdicts(a, 2, 1, 0, 0, 0);
        assertThat(a.errors()).isEqualTo(1);
        assertThat(a.timeouts()).isEqualTo(1);
        assertThat(a.lateEvents()).isZero();
        assertTokens(a, 150, 30);
        assertThat(a.usage().costUsd()).isCloseTo(0.015, within(1e-9));
        assertLatency(a.latencies().get("tool"), 3, 0.5, 1.0);
        assertLatency(a.latencies().get("model"), 3, 2.0, 5.0);
        assertThat(a.latencies().get("validation").p99()).isCloseTo(250.0, within(2.5));
        assertThat(a.latencies().get("validator").count()).isZero();
    }

    /** Steps r2/0 (retried) and r2/1 (blocked by the fail mode): the tool never ran. */
    private static void assertSearch(TelemetryAggregate a) {
        assertScoped(a, "search", null, 2);
        assertVerdicts(a, 0, 0, 1, 0, 1);
        assertThat(a.errors()).isZero();
        assertThat(a.timeouts()).isEqualTo(1);
        assertTokens(a, 10, 5);
        assertThat(a.latencies().get("tool").count()).isZero();
        assertThat(a.latencies().get("step").count()).isEqualTo(2);
        // Step = model + validation + execution: 3 + 6 + 0 and 4 + 250 + 0 ms.
        assertThat(a.latencies().get("step").max()).isCloseTo(254.0, within(2.54));
    }

    /** Findings of rules: allow in 100 us and 150 us. */
    private static void assertRules(TelemetryAggregate a) {
        assertTwoFindings(a, "rules", 2, 0, 0.1, 0.15);
    }

    /** Findings of pii: allow in 200 us, modify in 500 us. */
    private static void assertPii(TelemetryAggregate a) {
        assertTwoFindings(a, "pii", 1, 1, 0.2, 0.5);
    }

    /**
     * A validator's aggregate of its two findings: how many allowed and modified, its time for them in ms (the faster
     * one is the median, the slower one every higher percentile); no step latency, which is the agent's.
     */
    private static void assertTwoFindings(TelemetryAggregate a, String validator, long allow, long modify, double p50,
            double max) {
        assertScoped(a, null, validator, 2);
        assertVerdicts(a, allow, modify, 0, 0, 0);
        LatencySummary latency = a.latencies().get("validator");
        assertLatency(latency, 2, p50, max);
        assertThat(latency.p95()).isCloseTo(max, within(max / 100));
        assertThat(latency.p99()).isCloseTo(max, within(max / 100));
        assertThat(a.latencies().get("step").count()).isZero();
    }

    /** An aggregate narrowed to a tool or a validator: it counts their steps, and no runs. */
    private static void assertScoped(TelemetryAggregate a, String tool, String validator, long steps) {
        assertThat(a.tool()).isEqualTo(tool);
        assertThat(a.validator()).isEqualTo(validator);
        assertThat(a.steps()).isEqualTo(steps);
        assertThat(a.runs()).isZero();
    }

    /** The steps per verdict kind, every kind counted (0 included). */
    private static void assertVerdicts(TelemetryAggregate a, long allow, long modify, long retry, long divert,
            long block) {
        assertThat(a.verdicts()).containsExactlyInAnyOrderEntriesOf(
                Map.of("allow", allow, "modify", modify, "retry", retry, "divert", divert, "block", block));
    }

    private static void assertTokens(TelemetryAggregate a, long input, long output) {
        assertThat(a.usage().inputTokens()).isEqualTo(input);
        assertThat(a.usage().outputTokens()).isEqualTo(output);
    }

    /** A latency's count, and its median and maximum in ms within 1 % (HdrHistogram with 2 digits). */
    private static void assertLatency(LatencySummary latency, long count, double p50, double max) {
        assertThat(latency.count()).isEqualTo(count);
        assertThat(latency.p50()).isCloseTo(p50, within(p50 / 100));
        assertThat(latency.max()).isCloseTo(max, within(max / 100));
    }

    @Test
    void parksMalformedRecordsAndKeepsCounting() {
        String agent = "dlq-" + UUID.randomUUID().toString().substring(0, 8);
        String badKey = "bad-" + agent;
        String missingKey = "missing-" + agent;
        String piiKey = "pii-" + agent;
        String email = "zoe.quint@pii-example.org";
        String card = "4111 1111 1111 1111";
        Instant at = Instant.now();
        List<String> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record instanceof ExtLogRecord ext ? ext.getFormattedMessage()
                        : new SimpleFormatter().formatMessage(record));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger.getLogger("").addHandler(capture);
        var kafka = TestKafka.shared();
        // A step whose token count is a string holding personal data: the decoder's own message would quote it.
        String piiStep = Json.encodeToString(TestEvents.step(agent, "v1", "r8", 0, Verdict.allow(),
                StepOutcome.EXECUTED, VerdictSource.VALIDATOR, new Usage(7, 1, 0), 1, 1, 1, at))
                .replace("\"inputTokens\":7", "\"inputTokens\":\"mail " + email + ", card " + card + "\"");
        kafka.sendRaw(Topics.STEPS, piiKey, piiStep.getBytes(StandardCharsets.UTF_8));
        kafka.sendRaw(Topics.RESULTS, piiKey, (email + " " + card).getBytes(StandardCharsets.UTF_8));
        kafka.sendRaw(Topics.STEPS, badKey, "not json at all".getBytes(StandardCharsets.UTF_8));
        String noAgent = Json.encodeToString(TestEvents.step(agent, "v1", "r9", 0, Verdict.allow(),
                StepOutcome.EXECUTED, VerdictSource.VALIDATOR, Usage.NONE, 1, 1, 1, at))
                .replace("\"agent\":\"" + agent + "\",", "");
        kafka.sendRaw(Topics.STEPS, missingKey, noAgent.getBytes(StandardCharsets.UTF_8));
        kafka.sendRaw(Topics.RESULTS, badKey, "{\"schemaVersion\":1}".getBytes(StandardCharsets.UTF_8));
        kafka.send(Topics.STEPS, "r9", TestEvents.step(agent, "v1", "r9", 0, Verdict.allow(),
                StepOutcome.EXECUTED, VerdictSource.VALIDATOR, Usage.NONE, 1, 1, 1, at));
        kafka.send(Topics.RESULTS, "task-r9", TestEvents.result(agent, "v1", "r9", RunStatus.COMPLETED, at));
        try (var stepsDlq = kafka.follow(Topics.dlq(Topics.STEPS));
                var resultsDlq = kafka.follow(Topics.dlq(Topics.RESULTS));
                var aggregates = kafka.follow(Topics.AGGREGATES)) {
            String subject = "agent=" + agent + "|version=v1|window=total";
            await().atMost(WAIT).until(() -> {
                aggregates.poll();
                TelemetryAggregate latest = aggregates.latest(subject, TelemetryAggregate.class);
                return latest != null && latest.runs() == 1 && latest.steps() == 1;
            });
            await().atMost(WAIT).until(() -> {
                stepsDlq.poll();
                resultsDlq.poll();
                return stepsDlq.keys().contains(badKey) && stepsDlq.keys().contains(missingKey)
                        && resultsDlq.keys().contains(badKey);
            });
            ConsumerRecord<String, byte[]> notJson = find(stepsDlq.records(), badKey);
            assertThat(new String(notJson.value(), StandardCharsets.UTF_8)).isEqualTo("not json at all");
            assertThat(reason(notJson)).contains("not valid JSON");
            assertThat(header(notJson, "dead-letter-topic")).isEqualTo(Topics.STEPS);
            assertThat(reason(find(stepsDlq.records(), missingKey))).contains("agent");
            assertThat(reason(find(resultsDlq.records(), badKey))).contains("RunResult");

            await().atMost(WAIT).until(() -> {
                stepsDlq.poll();
                resultsDlq.poll();
                return stepsDlq.keys().contains(piiKey) && resultsDlq.keys().contains(piiKey);
            });
            String piiReason = reason(find(stepsDlq.records(), piiKey));
            assertThat(piiReason).isEqualTo("wrong type or missing value at 'usage.inputTokens' in StepEvent");
            assertThat(reason(find(resultsDlq.records(), piiKey))).isEqualTo("not valid JSON in RunResult");
            // The original bytes are parked as they were: the DLQ is where an operator may look at them.
            assertThat(new String(find(stepsDlq.records(), piiKey).value(), StandardCharsets.UTF_8)).contains(email);
            await().atMost(WAIT).until(() -> logged.stream().anyMatch(l -> l.contains("usage.inputTokens")));
            assertThat(logged).filteredOn(l -> l.contains("Refused")).hasSizeGreaterThanOrEqualTo(2)
                    .noneMatch(l -> l.contains(email) || l.contains("zoe") || l.contains(card) || l.contains("4111"));
        } finally {
            Logger.getLogger("").removeHandler(capture);
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
