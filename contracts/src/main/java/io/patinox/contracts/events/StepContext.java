package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import java.util.List;

/**
 * What a validator may need to know about the run so far, beyond the proposed action.
 *
 * @param taskInput   the task as the user gave it
 * @param toolOutputs outputs of the tools run so far (for groundedness checks), oldest first
 * @param usage       tokens and cost spent by the run so far, this step excluded
 * @param retries     how often this step has already been retried
 */
public record StepContext(String taskInput, List<String> toolOutputs, @OptionalField Usage usage, int retries) {
    public StepContext {
        Checks.required(taskInput, "context.taskInput");
        toolOutputs = Checks.list(toolOutputs);
        usage = usage == null ? Usage.NONE : usage;
        Checks.nonNegative(retries, "context.retries");
    }
}
