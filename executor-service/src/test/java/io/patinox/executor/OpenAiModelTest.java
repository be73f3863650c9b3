package io.patinox.executor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.topics.Topics;
import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.OpenAiServer.Chat;
import io.patinox.testkit.TestKafka;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The real model path: an agent whose model is {@code openai/test-model} runs against a local server that
 * speaks the chat-completions protocol. Tool call round trip, and a 429 that is retried.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class OpenAiModelTest {

    @Inject
    ValidationGateway gateway;

    @Test
    void toolCallRoundTripThroughAnOpenAiCompatibleEndpointWithA429Retried() {
        TestValidator validator = TestValidator.get();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(gateway::isReady);
        int before = FakeOpenAiServer.requests().size();
        String taskId = "openai-" + UUID.randomUUID();
        FlowTest.submit(TaskSubmitted.of(taskId, "gpt", "What is 17 * 23? (rate limited " + taskId + ")"));

        List<RunResult> results = TestKafka.shared().await(Topics.RESULTS, taskId, RunResult.class, 1, Duration.ofSeconds(30));
        assertThat(results).hasSize(1);
        RunResult result = results.get(0);
        assertThat(result.status()).as(result.reason()).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).isEqualTo("The result is 391.");
        assertThat(result.model().provider()).isEqualTo("openai");
        assertThat(result.model().name()).isEqualTo("test-model");
        assertThat(result.model().scripted()).isFalse();
        assertThat(result.usage().inputTokens()).isEqualTo(100);
        assertThat(result.usage().outputTokens()).isEqualTo(14);

        // 429 first, retried; then the tool call; then the answer to the tool's output.
        List<Chat> requests = FakeOpenAiServer.requests().subList(before, FakeOpenAiServer.requests().size());
        assertThat(FakeOpenAiServer.statuses().subList(before, FakeOpenAiServer.statuses().size())).containsExactly(429, 200,
                200);
        JsonNode toolDef = requests.get(1).body().path("tools").get(0).path("function");
        assertThat(toolDef.path("name").asText()).isEqualTo("calculator");
        assertThat(toolDef.path("parameters").path("required").toString()).contains("expression");
        assertThat(requests.get(1).body().path("model").asText()).isEqualTo("test-model");
        assertThat(requests.get(1).body().path("messages").get(0).path("role").asText()).isEqualTo("system");
        JsonNode messages = requests.get(2).body().path("messages");
        JsonNode assistant = messages.get(messages.size() - 2);
        JsonNode tool = messages.get(messages.size() - 1);
        assertThat(tool.path("role").asText()).isEqualTo("tool");
        assertThat(tool.path("content").asText()).isEqualTo("391");
        assertThat(tool.path("tool_call_id").asText()).isEqualTo(assistant.path("tool_calls").get(0).path("id").asText());

        List<StepEvent> steps = TestKafka.shared().await(Topics.STEPS, result.runId(), StepEvent.class, 2,
                Duration.ofSeconds(10));
        assertThat(steps).extracting(StepEvent::action)
                .contains(new Action.ToolCall("calculator", Map.of("expression", "17 * 23")));
        assertThat(steps).allSatisfy(s -> assertThat(s.model().scripted()).isFalse());
        assertThat(validator.seen(taskId)).hasSize(2);
    }
}
