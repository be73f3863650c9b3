package io.patinox.runtime.kafka;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.verdict.Verdict;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Valid records to break on purpose. */
final class MalformedRecords {

    private MalformedRecords() {
    }

    /** A valid step as JSON; its action is a {@code tool_call}. */
    static String validStep() {
        return Json.encodeToString(new StepEvent(StepEvent.SCHEMA_VERSION, "task-1", "run-1", 0, "support", "v1",
                new ModelRef("scripted", "test", true), new Action.ToolCall("lookup", Map.of("q", "x")),
                Verdict.allow(), VerdictSource.VALIDATOR, List.of(), StepOutcome.EXECUTED, "ok", null,
                new Usage(1, 2, 0.5), 10, 20, 30, Instant.parse("2026-11-25T12:00:00Z")));
    }
}
