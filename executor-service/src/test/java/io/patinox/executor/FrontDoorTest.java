package io.patinox.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.containsString;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.topics.ReplyHeaders;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.executor.admission.CallerStamp;
import io.patinox.executor.rest.ApiKeys;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The front door under abuse, with authentication on: names, sizes and quotas are refused with the right status and
 * a message naming the limit, before anything is published; tasks over Kafka get a dead letter or a result instead.
 */
@QuarkusTest
@TestProfile(FrontDoorTest.Door.class)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class FrontDoorTest extends FlowTest {

    static final String PLAIN = "door-plain";
    static final String RATED = "door-rated";
    static final String METERED = "door-metered";
    static final String SINGLE = "door-single";

    /** Four keys: one with the defaults, one at 1 request/s, one with 1 token a day, one with 1 run at a time. */
    public static class Door implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("patinox.executor.auth.enabled", "true",
                    "patinox.executor.api-keys", String.join(",", PLAIN, RATED, METERED, SINGLE),
                    "patinox.executor.limits.max-input-bytes", "1000",
                    "patinox.executor.limits.max-metadata-bytes", "200",
                    "patinox.executor.quota.keys.\"" + ApiKeys.id(RATED) + "\".requests-per-second", "1",
                    "patinox.executor.quota.keys.\"" + ApiKeys.id(RATED) + "\".burst", "2",
                    "patinox.executor.quota.keys.\"" + ApiKeys.id(METERED) + "\".tokens-per-day", "1",
                    "patinox.executor.quota.keys.\"" + ApiKeys.id(SINGLE) + "\".concurrent-runs", "1",
                    "patinox.executor.quota.agents.metered.tokens-per-day", "1");
        }
    }

    static Response post(String key, String body) {
        return given().header("X-API-Key", key).contentType("application/json").body(body).post("/tasks");
    }

    static String task(String taskId, String agent, String input) {
        return "{\"taskId\":\"" + taskId + "\",\"agent\":\"" + agent + "\",\"input\":\"" + input + "\"}";
    }

    static void nothingPublished(String taskId) {
        assertThat(KAFKA.readAll(Topics.TASKS, r -> taskId.equals(r.key()))).as("published " + taskId).isEmpty();
    }

    @Test
    void anUnknownAgentIsA404AndNothingIsPublished() {
        String taskId = "door-unknown-" + UUID.randomUUID();
        post(PLAIN, task(taskId, "nobody", "hello")).then().statusCode(404)
                .body("error", allOf(containsString("unknown agent 'nobody'"), containsString("calc")));
        nothingPublished(taskId);
    }

    @Test
    void aNameThatIsNotAnIdentifierIsA422AndNothingIsPublished() {
        String taskId = "door-path-" + UUID.randomUUID();
        post(PLAIN, task(taskId, "../../etc/passwd", "hello")).then().statusCode(422)
                .body("error", containsString("'../../etc/passwd' is not a valid identifier"));
        post(PLAIN, task("door-upper-" + UUID.randomUUID(), "Calc", "hello")).then().statusCode(422);
        nothingPublished(taskId);
    }

    @Test
    void inputAndMetadataOverTheirLimitsAre413sNamingTheLimit() {
        String taskId = "door-large-" + UUID.randomUUID();
        post(PLAIN, task(taskId, "calc", "x".repeat(1001))).then().statusCode(413)
                .body("error", allOf(containsString("1001 bytes"), containsString("limit of 1000 bytes"),
                        containsString("max-input-bytes")));
        // Bytes, not characters: 334 three-byte characters are 1002 bytes.
        post(PLAIN, task(taskId, "calc", "€".repeat(334))).then().statusCode(413);
        String metadata = "{\"taskId\":\"" + taskId + "\",\"agent\":\"calc\",\"input\":\"hi\",\"metadata\":{\"note\":\""
                + "m".repeat(300) + "\"}}";
        post(PLAIN, metadata).then().statusCode(413).body("error", containsString("max-metadata-bytes"));
        nothingPublished(taskId);
    }

    @Test
    void aFiveMegabyteInputIsA413NotA500() {
        String taskId = "door-5mb-" + UUID.randomUUID();
        post(PLAIN, task(taskId, "calc", "y".repeat(5 * 1024 * 1024))).then().statusCode(413)
                .body("error", containsString("limit of 1000 bytes"));
        nothingPublished(taskId);
    }

    @Test
    void reservedMetadataKeysAreRefused() {
        String body = "{\"agent\":\"calc\",\"input\":\"hi\",\"metadata\":{\"patinox.apiKey\":\"key-000000000000\"}}";
        post(PLAIN, body).then().statusCode(422).body("error", containsString("reserved"));
    }

    @Test
    void anAdmittedTaskCarriesTheStampOfItsKey() {
        String taskId = "door-stamp-" + UUID.randomUUID();
        post(PLAIN, task(taskId, "calc", "What is 6 * 7?")).then().statusCode(202);
        TaskSubmitted published = KAFKA.await(Topics.TASKS, taskId, TaskSubmitted.class, 1, WAIT).get(0);
        assertThat(published.metadata()).containsEntry(CallerStamp.KEY_ID, ApiKeys.id(PLAIN))
                .containsKey(CallerStamp.PROOF);
        assertThat(published.metadata().values()).noneMatch(v -> v.contains(PLAIN));
        assertThat(CallerStamp.verified(taskId, published.metadata(), new ApiKeys(List.of(PLAIN)))).contains(ApiKeys.id(PLAIN));
        assertThat(CallerStamp.verified("another-task", published.metadata(), new ApiKeys(List.of(PLAIN)))).isEmpty();
    }

    @Test
    void aKeyOverItsRateGets429WithRetryAfterWhileAnotherKeyIsServed() {
        int refused = 0;
        String retryAfter = null;
        for (int i = 0; i < 6; i++) {
            Response r = post(RATED, task("door-rate-" + UUID.randomUUID(), "calc", "hello"));
            if (r.statusCode() == 429) {
                refused++;
                retryAfter = r.header("Retry-After");
                assertThat(r.jsonPath().getString("error")).contains("API key '" + ApiKeys.id(RATED) + "'")
                        .contains("more than 1 requests per second");
            } else {
                assertThat(r.statusCode()).isEqualTo(202);
            }
        }
        assertThat(refused).as("refused of 6 at once with a burst of 2").isGreaterThanOrEqualTo(3);
        assertThat(Integer.parseInt(retryAfter)).isBetween(1, 2);
        post(PLAIN, task("door-other-" + UUID.randomUUID(), "calc", "hello")).then().statusCode(202);
    }

    @Test
    void aKeyOverItsRateIsRefusedBeforeItsBodyIsEvenRead() {
        Response malformed = null;
        for (int round = 0; round < 10 && (malformed == null || malformed.statusCode() != 429); round++) {
            for (int i = 0; i < 3; i++) {
                post(RATED, task("door-early-" + UUID.randomUUID(), "calc", "hello"));
            }
            malformed = post(RATED, "{this is not json");
        }
        assertThat(malformed.statusCode()).as("not 400: the body was never parsed").isEqualTo(429);
        assertThat(malformed.header("Retry-After")).isNotNull();
        assertThat(malformed.jsonPath().getString("error")).contains("more than 1 requests per second");
        post(PLAIN, "{this is not json").then().statusCode(400);
    }

    @Test
    void quotaRefusalsAreCountedPerKeyIdAndEveryKnownKeyAndAgentHasItsSeriesFromTheStart() {
        String metrics = given().get("/q/metrics").asString();
        assertThat(metrics)
                .contains(
                        "patinox_executor_quota_refused_total{name=\"" + ApiKeys.id(PLAIN) + "\",quota=\"cost\",scope=\"key\"}")
                .contains("patinox_executor_quota_refused_total{name=\"calc\",quota=\"rate\",scope=\"agent\"}")
                .doesNotContain(PLAIN + "\"");
        for (int i = 0; i < 6; i++) {
            post(RATED, task("door-counted-" + UUID.randomUUID(), "calc", "hello"));
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("patinox_executor_quota_refused_total\\{name=\""
                + ApiKeys.id(RATED) + "\",quota=\"rate\",scope=\"key\"} ([0-9.]+)")
                .matcher(given().get("/q/metrics").asString());
        assertThat(m.find()).isTrue();
        assertThat(Double.parseDouble(m.group(1))).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aKeyWithARunInProgressAtItsLimitGets429UntilTheRunEnds() {
        String first = "door-single-" + UUID.randomUUID();
        validator.on(first, r -> new TestValidator.Answer(Verdict.allow(), 1500));
        post(SINGLE, task(first, "calc", "What is 6 * 7?")).then().statusCode(202);
        Response second = post(SINGLE, task("door-single-" + UUID.randomUUID(), "calc", "hello"));
        assertThat(second.statusCode()).isEqualTo(429);
        assertThat(second.header("Retry-After")).isEqualTo("1");
        assertThat(second.jsonPath().getString("error")).contains("has 1 runs in progress (limit 1 concurrent runs)");

        assertThat(KAFKA.await(Topics.RESULTS, first, RunResult.class, 1, WAIT).get(0).status()).isEqualTo(RunStatus.COMPLETED);
        Awaitility.await().atMost(WAIT)
                .until(() -> post(SINGLE, task("door-single-" + UUID.randomUUID(), "calc", "hello")).statusCode() == 202);
    }

    @Test
    void aKeyOverItsTokensForTheDayGets429UntilMidnight() {
        String first = "door-metered-" + UUID.randomUUID();
        post(METERED, task(first, "calc", "What is 6 * 7?")).then().statusCode(202);
        assertThat(KAFKA.await(Topics.RESULTS, first, RunResult.class, 1, WAIT).get(0).usage().totalTokens()).isPositive();

        Response over = Awaitility.await().atMost(WAIT).until(
                () -> post(METERED, task("door-metered-" + UUID.randomUUID(), "calc", "hello")), r -> r.statusCode() == 429);
        assertThat(over.jsonPath().getString("error")).contains("has used 238 tokens today (limit 1 tokens per day")
                .contains("resets at");
        long untilMidnight = Duration.between(Instant.now(),
                Instant.now().atZone(java.time.ZoneOffset.UTC).toLocalDate().plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC))
                .toSeconds();
        assertThat(Long.parseLong(over.header("Retry-After"))).isBetween(untilMidnight - 5, untilMidnight + 5);
        assertThat(given().get("/q/metrics").asString())
                .contains("patinox_executor_quota_refusals_total{path=\"rest\",quota=\"tokens\",scope=\"key\"}")
                .contains("patinox_executor_quota_tokens_today{name=\"" + ApiKeys.id(METERED) + "\",scope=\"key\"} 238.0");
    }

    @Test
    void aKafkaTaskOverItsAgentsQuotaEndsWithAResultNamingTheQuota() {
        String first = "kafka-metered-" + UUID.randomUUID();
        KAFKA.send(Topics.TASKS, first, TaskSubmitted.of(first, "metered", "What is 6 * 7?"));
        KAFKA.await(Topics.RESULTS, first, RunResult.class, 1, WAIT);
        Awaitility.await().atMost(WAIT).until(() -> given().get("/q/metrics").asString()
                .contains("patinox_executor_quota_tokens_today{name=\"metered\",scope=\"agent\"} 238.0"));

        String second = "kafka-metered-" + UUID.randomUUID();
        KAFKA.send(Topics.TASKS, second, TaskSubmitted.of(second, "metered", "What is 6 * 7?"));
        RunResult refused = KAFKA.await(Topics.RESULTS, second, RunResult.class, 1, WAIT).get(0);
        assertThat(refused.status()).isEqualTo(RunStatus.BUDGET_EXCEEDED);
        assertThat(refused.reason()).contains("quota exceeded: agent 'metered' has used 238 tokens today");
        assertThat(refused.steps()).isZero();
        assertThat(validator.seen(second)).as("never asked about: never run").isEmpty();
    }

    @Test
    void aForgedStampOverKafkaDoesNotChargeTheKey() {
        String taskId = "kafka-forged-" + UUID.randomUUID();
        Map<String, String> forged = Map.of(CallerStamp.KEY_ID, ApiKeys.id(METERED), CallerStamp.PROOF, "made-up");
        KAFKA.send(Topics.TASKS, taskId, new TaskSubmitted(TaskSubmitted.SCHEMA_VERSION, taskId, "calc", "What is 6 * 7?",
                forged, Instant.now()));
        assertThat(KAFKA.await(Topics.RESULTS, taskId, RunResult.class, 1, WAIT).get(0).status())
                .isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void aKafkaTaskOverTheSizeLimitIsDeadLetteredWithTheLimitAsTheReason() {
        String taskId = "kafka-large-" + UUID.randomUUID();
        KAFKA.send(Topics.TASKS, taskId, TaskSubmitted.of(taskId, "calc", "z".repeat(2000)));
        String next = "kafka-after-large-" + UUID.randomUUID();
        KAFKA.send(Topics.TASKS, next, TaskSubmitted.of(next, "calc", "What is 6 * 7?"));

        var dead = KAFKA.await(Topics.dlq(Topics.TASKS), r -> taskId.equals(r.key()), 1, WAIT);
        assertThat(TestKafka.header(dead.get(0), ReplyHeaders.DEAD_LETTER_REASON))
                .isEqualTo(
                        "task input of 2000 bytes is over the limit of 1000 bytes (patinox.executor.limits.max-input-bytes)");
        assertThat(KAFKA.await(Topics.RESULTS, next, RunResult.class, 1, WAIT).get(0).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(KAFKA.readAll(Topics.RESULTS, r -> taskId.equals(r.key()))).isEmpty();
    }
}
