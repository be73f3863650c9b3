package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import io.patinox.contracts.verdict.Verdict;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Retry through the running validator service: an agent under the {@code llm} policy, whose groundedness judge
 * (a language model answering like OpenAI's API) finds the first final answer unsupported. The validator
 * replies Retry with the feedback, the executor asks the model again with it, and the second answer passes.
 */
@Order(4)
class RetryIT extends OnSharedMesh {

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aRetryVerdictSendsTheStepBackToTheModelWithTheValidatorsFeedback() throws Exception {
        String support = Files.readString(mesh.configRepo.resolve("agents/support.yaml"));
        Files.writeString(mesh.configRepo.resolve("agents/checked.yaml"), support
                .replaceFirst("(?m)^name: .*$", "name: checked")
                .replaceFirst("(?m)^policy: .*$", "policy: llm")
                .replaceFirst("(?m)^stepDeadline: .*$", "stepDeadline: 20s"));
        mesh.commit("Add agent checked");

        // The executor picks the new agent up within its reload interval.
        RunResult result = await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).until(() -> {
            String taskId = "retry-" + UUID.randomUUID();
            mesh.submit(TaskSubmitted.of(taskId, "checked", "What is 17 * 23?"));
            return mesh.awaitResult(taskId, Duration.ofSeconds(60));
        }, r -> r.reason() == null || !r.reason().contains("unknown agent"));
        assertThat(result.status()).as(String.valueOf(result.reason())).isEqualTo(RunStatus.COMPLETED);
        assertThat(result.answer()).contains("391");

        List<StepEvent> steps = mesh.kafka.readAll(Topics.STEPS, r -> result.runId().equals(r.key())).stream()
                .map(r -> Json.decode(r.value(), StepEvent.class)).sorted(Comparator.comparing(StepEvent::occurredAt)).toList();
        assertThat(steps).extracting(StepEvent::outcome)
                .containsExactly(StepOutcome.EXECUTED, StepOutcome.RETRIED, StepOutcome.EXECUTED);
        assertThat(steps).allSatisfy(s -> assertThat(s.verdictSource()).isEqualTo(VerdictSource.VALIDATOR));
        StepEvent retried = steps.get(1);
        assertThat(retried.verdict()).isInstanceOf(Verdict.Retry.class);
        assertThat(((Verdict.Retry) retried.verdict()).feedback()).contains(RunningMesh.JUDGE_FEEDBACK);
        assertThat(retried.findings()).anySatisfy(f -> assertThat(f.validator()).contains("groundedness"));
        assertThat(steps.get(2).stepIndex()).as("the retried step is proposed again, same index")
                .isEqualTo(retried.stepIndex());
    }
}
