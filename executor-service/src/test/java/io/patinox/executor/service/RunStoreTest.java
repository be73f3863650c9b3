package io.patinox.executor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.verdict.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunStoreTest {

    private static final Instant T = Instant.parse("2026-11-25T10:15:30Z");
    private static final ModelRef MODEL = new ModelRef("scripted", "turns", true);

    private static StepEvent step(String taskId) {
        return new StepEvent(1, taskId, "run-" + taskId, 0, "support", "v1", MODEL, new Action.FinalAnswer("4"),
                new Verdict.Allow(), VerdictSource.VALIDATOR, List.of(), StepOutcome.EXECUTED, "4", null, Usage.NONE, 5,
                900, 0, T);
    }

    private static RunResult result(String taskId) {
        return new RunResult(1, taskId, "run-" + taskId, "support", "v1", RunStatus.COMPLETED, "4", null, 1, Usage.NONE,
                MODEL, Map.of(), T, T);
    }

    private static void run(RunStore store, String taskId, boolean finish) {
        store.start(taskId, "run-" + taskId, "support");
        store.step(step(taskId));
        if (finish) {
            store.finish(result(taskId));
        }
    }

    @Test
    void finishedRunsKeepTheirStepsOnlyWhileAmongTheLastOnesButAlwaysTheirStateAndResult() {
        RunStore store = new RunStore();
        run(store, "running", false);
        for (int i = 0; i <= RunStore.STEPS_KEPT; i++) {
            run(store, "t-" + i, true);
        }

        RunStore.RunView oldest = store.find("t-0").orElseThrow();
        assertThat(oldest.steps()).isEmpty();
        assertThat(oldest.state()).isEqualTo("COMPLETED");
        assertThat(oldest.result()).isEqualTo(result("t-0"));
        assertThat(store.find("t-1").orElseThrow().steps()).hasSize(1);
        assertThat(store.find("t-" + RunStore.STEPS_KEPT).orElseThrow().steps()).hasSize(1);
        assertThat(store.find("running").orElseThrow().steps()).as("a run still going keeps its steps").hasSize(1);
        // Still the idempotency record: a task id it has seen is refused.
        assertThat(store.start("t-0", "run-again", "support")).isFalse();
    }
}
