package io.patinox.executor;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.topics.Topics;
import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestKafka;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** GenAI spans per run, model call and tool call; Micrometer metrics at /q/metrics. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class ObservabilityTest {

    @Inject
    ValidationGateway gateway;

    @Inject
    InMemorySpanExporter spans;

    RunResult runCalc() {
        TestValidator.get();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(gateway::isReady);
        String taskId = "observed-" + UUID.randomUUID();
        FlowTest.submit(TaskSubmitted.of(taskId, "calc", "What is 6 * 7?"));
        List<RunResult> results = TestKafka.shared().await(Topics.RESULTS, taskId, RunResult.class, 1, Duration.ofSeconds(20));
        assertThat(results).hasSize(1);
        return results.get(0);
    }

    @Test
    void runModelAndToolSpansCarryGenAiAttributes() {
        RunResult result = runCalc();
        AttributeKey<String> runId = AttributeKey.stringKey("patinox.run.id");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(
                () -> spans.getFinishedSpanItems().stream().anyMatch(s -> result.runId().equals(s.getAttributes().get(runId))
                        && s.getName().equals("invoke_agent calc")));
        SpanData run = spans.getFinishedSpanItems().stream()
                .filter(s -> result.runId().equals(s.getAttributes().get(runId)) && s.getName().startsWith("invoke_agent"))
                .findFirst().orElseThrow();
        List<SpanData> trace = spans.getFinishedSpanItems().stream().filter(s -> s.getTraceId().equals(run.getTraceId()))
                .toList();
        SpanData chat = trace.stream().filter(s -> s.getName().equals("chat test")).findFirst().orElseThrow();
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("chat");
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.request.model"))).isEqualTo("test");
        assertThat(chat.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.name"))).isEqualTo("calc");
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.input_tokens"))).isEqualTo(100L);
        assertThat(chat.getAttributes().get(AttributeKey.longKey("gen_ai.usage.output_tokens"))).isEqualTo(10L);
        SpanData tool = trace.stream().filter(s -> s.getName().equals("execute_tool calculator")).findFirst().orElseThrow();
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.tool.name"))).isEqualTo("calculator");
        assertThat(tool.getAttributes().get(AttributeKey.stringKey("gen_ai.operation.name"))).isEqualTo("execute_tool");
        assertThat(trace.stream().filter(s -> s.getName().equals("RunLoop.step"))).hasSize(2);
        assertThat(run.getAttributes().get(AttributeKey.stringKey("gen_ai.agent.name"))).isEqualTo("calc");
    }

    @Test
    void metricsCountRunsStepsAndTokens() {
        runCalc();
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertThat(metrics).contains("patinox_executor_runs_total{agent=\"calc\",status=\"COMPLETED\"");
        assertThat(metrics).contains("patinox_executor_steps_total{agent=\"calc\",outcome=\"EXECUTED\",verdict=\"allow\"");
        assertThat(metrics).contains("patinox_executor_tokens_total{agent=\"calc\",direction=\"input\"");
        assertThat(metrics).contains("patinox_executor_run_duration_seconds_count{agent=\"calc\",status=\"COMPLETED\"");
        assertThat(metrics).contains("patinox_executor_step_validation_seconds_count{agent=\"calc\",source=\"VALIDATOR\"");
    }
}
