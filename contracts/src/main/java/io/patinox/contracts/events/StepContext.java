package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import java.util.List;

/**
 * What a validator may need to know about the run so far, beyond the proposed action.
 *
 * @param taskInput the task as the user gave it
 * @param toolOutputs outputs of the tools run so far (for groundedness checks), oldest first
 * @param usage tokens and cost spent by the run so far, this step excluded
 * @param retries how often this step has already been retried
 * @param memory long-term memory this step involves, untrusted: every text the run has retrieved from memory
 *        so far (oldest first), or the text about to be written to memory. Unlike a tool output, which
 *        a validator reads while it is the newest, retrieved memory stays in every later step's context
 *        (it stays in the model's too), so an injection planted in memory blocks whichever step would act
 *        on it. Absent means none.
 */
public record StepContext(String taskInput, List<String> toolOutputs, @OptionalField Usage usage, int retries,
        List<String> memory) {
    public StepContext {
        Checks.required(taskInput, "context.taskInput");
        toolOutputs = Checks.list(toolOutputs);
        usage = Usage.orNone(usage);
        Checks.nonNegative(retries, "context.retries");
        memory = Checks.list(memory);
    }

    /** A context with no memory involved. */
    public StepContext(String taskInput, List<String> toolOutputs, Usage usage, int retries) {
        this(taskInput, toolOutputs, usage, retries, List.of());
    }
}
