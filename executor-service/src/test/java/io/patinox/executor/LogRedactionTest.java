package io.patinox.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prompts and personal data never reach the executor's logs: tasks whose input carries an e-mail address
 * and a card number go through every path that logs (completed, blocked, unknown agent, REST, a malformed
 * record parked in the DLQ) while a handler on the root logger keeps every formatted line.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class LogRedactionTest {

    static final String EMAIL = "zoe.quint@pii-example.org";
    static final String CARD = "4111 1111 1111 1111";
    static final String SECRET_PROMPT = "Send the invoice to " + EMAIL + ", card " + CARD;
    static final Duration WAIT = Duration.ofSeconds(30);

    @Inject
    ValidationGateway gateway;

    final List<String> lines = new CopyOnWriteArrayList<>();
    final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord record) {
            StringBuilder b = new StringBuilder(record.getLoggerName() + " " + record.getLevel() + " ");
            b.append(record instanceof org.jboss.logmanager.ExtLogRecord ext ? ext.getFormattedMessage()
                    : new java.util.logging.SimpleFormatter().formatMessage(record));
            if (record.getThrown() != null) {
                StringWriter trace = new StringWriter();
                record.getThrown().printStackTrace(new PrintWriter(trace));
                b.append('\n').append(trace);
            }
            lines.add(b.toString());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void install() {
        Logger.getLogger("").addHandler(capture);
        Awaitility.await().atMost(WAIT).until(gateway::isReady);
    }

    @AfterEach
    void remove() {
        Logger.getLogger("").removeHandler(capture);
    }

    @Test
    void personalDataStaysOutOfTheLogs() {
        TestValidator validator = TestValidator.get();
        String completed = "pii-ok-" + UUID.randomUUID();
        String blocked = "pii-block-" + UUID.randomUUID();
        String unknownAgent = "pii-agent-" + UUID.randomUUID();
        validator.on(blocked, r -> TestValidator.Answer.now(new Verdict.Block("contains personal data")));
        FlowTest.submit(TaskSubmitted.of(completed, "calc", SECRET_PROMPT));
        FlowTest.submit(TaskSubmitted.of(blocked, "calc", SECRET_PROMPT));
        FlowTest.submit(TaskSubmitted.of(unknownAgent, "no-such-agent", SECRET_PROMPT));
        // Not a TaskSubmitted: the decoder's error (which may quote the source) goes to the DLQ, not the log.
        TestKafka.shared().sendRaw(Topics.TASKS, "pii-bad-" + UUID.randomUUID(),
                ("{\"schemaVersion\":1,\"taskId\":\"x\",\"input\":\"" + SECRET_PROMPT + "\",\"oops\":")
                        .getBytes(StandardCharsets.UTF_8));
        given().contentType("application/json")
                .body("{\"agent\":\"calc\",\"input\":\"" + SECRET_PROMPT + "\"}").post("/tasks").then().statusCode(202);

        assertThat(FlowTest.result(completed).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(FlowTest.result(blocked).status()).isEqualTo(RunStatus.BLOCKED);
        RunResult unknown = FlowTest.result(unknownAgent);
        assertThat(unknown.status()).isNotEqualTo(RunStatus.COMPLETED);
        Awaitility.await().atMost(WAIT)
                .until(() -> !TestKafka.shared()
                        .await(Topics.dlq(Topics.TASKS), r -> r.key() != null && r.key().startsWith("pii-bad-"), 1, WAIT)
                        .isEmpty());

        // The runs did log (so the capture works), but only ids, statuses and reasons.
        assertThat(lines).anySatisfy(l -> assertThat(l).contains(completed));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains(EMAIL));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains(CARD));
        assertThat(lines).noneSatisfy(l -> assertThat(l).contains(CARD.replace(" ", "")));
    }
}
