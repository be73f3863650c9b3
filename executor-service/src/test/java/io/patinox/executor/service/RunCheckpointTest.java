package io.patinox.executor.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.executor.ai.ChatEntry;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RunCheckpointTest {

    private static RunCheckpoint checkpoint(RunCheckpoint.State state, RunResult result) {
        TaskSubmitted task = TaskSubmitted.of("t-1", "calc", "What is 6 * 7?");
        return new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, "t-1", "r-1", state, task, 1, 2, 0, null,
                List.of(ChatEntry.user(task.input()), ChatEntry.tool("42")), List.of("42"), Instant.EPOCH, result,
                Instant.EPOCH.plusSeconds(1));
    }

    @Test
    void theJournalKeepsAFinishedRunWithoutItsWorkingMemoryAndAnUnfinishedOneWhole() {
        RunResult result = new RunResult(RunResult.SCHEMA_VERSION, "t-1", "r-1", "calc", "abc", RunStatus.COMPLETED,
                "42", null, 2, null, null, Map.of(), Instant.EPOCH, Instant.EPOCH.plusSeconds(1));
        RunCheckpoint done = checkpoint(RunCheckpoint.State.DONE, result).kept();
        assertThat(done.history()).isEmpty();
        assertThat(done.toolOutputs()).isEmpty();
        assertThat(done.result()).isSameAs(result);
        assertThat(done.runId()).isEqualTo("r-1");
        assertThat(done.kept()).isSameAs(done);

        RunCheckpoint running = checkpoint(RunCheckpoint.State.RUNNING, null);
        assertThat(running.kept()).isSameAs(running);
    }
}
