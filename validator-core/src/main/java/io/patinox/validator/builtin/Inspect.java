package io.patinox.validator.builtin;

import io.patinox.contracts.events.ValidationRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The parts of a step a detector reads, its {@code inspect} parameter: {@code input} (the task input, on the first
 * step only, where it arrives), {@code toolOutputs} (the newest tool output: indirect injection; and every text of
 * long-term memory in the step's context, retrieved or about to be written, which stays untrusted for the whole run)
 * and {@code action} (the proposed action). By default the first two.
 *
 * @param parts the parts named
 */
public record Inspect(Set<String> parts) {

    /** The parts a detector reads unless its policy entry says otherwise. */
    public static final Set<String> DEFAULT = Set.of("input", "toolOutputs");

    private static final Set<String> KNOWN = Set.of("input", "toolOutputs", "action");

    public Inspect {
        parts = Set.copyOf(parts);
    }

    /** The {@code inspect} parameter of {@code params}; an unknown part is an error naming it. */
    public static Inspect of(Params params) {
        List<String> named = params.strings("inspect");
        for (int i = 0; i < named.size(); i++) {
            if (!KNOWN.contains(named.get(i))) {
                throw params.error("inspect[" + i + "]", "expected input, toolOutputs or action but was '"
                        + named.get(i) + "'");
            }
        }
        return new Inspect(named.isEmpty() ? DEFAULT : Set.copyOf(named));
    }

    /** Whether {@code part} is read. */
    public boolean contains(String part) {
        return parts.contains(part);
    }

    /**
     * A text read from a step.
     *
     * @param part which part it is ({@code input}, {@code toolOutputs}, {@code action})
     * @param where the part as a reason names it, e.g. {@code the newest tool output}
     */
    public record Text(String part, String text, String where) {
    }

    /** How a reason names the {@code index}-th memory text of {@code request}'s context. */
    public static String memoryWhere(ValidationRequest request, int index) {
        return isMemoryWrite(request) ? "the text to be written to memory" : "retrieved memory #" + (index + 1);
    }

    /** Whether {@code request} asks about a write to long-term memory rather than a step of the model. */
    public static boolean isMemoryWrite(ValidationRequest request) {
        return request.action() instanceof io.patinox.contracts.events.Action.ToolCall call
                && MEMORY_WRITE.equals(call.tool());
    }

    /** The tool name of a write to long-term memory, as the executor asks about it (not a tool a model can call). */
    public static final String MEMORY_WRITE = "memory_write";

    /** The parts of {@code request} this reads that are not blank, in the order input, tool output, memory, action. */
    public List<Text> texts(ValidationRequest request) {
        List<Text> texts = new ArrayList<>(3);
        String input = request.context().taskInput();
        if (contains("input") && request.stepIndex() == 0 && !input.isBlank()) {
            texts.add(new Text("input", input, "the task input"));
        }
        List<String> outputs = request.context().toolOutputs();
        if (contains("toolOutputs") && !outputs.isEmpty() && !outputs.get(outputs.size() - 1).isBlank()) {
            texts.add(new Text("toolOutputs", outputs.get(outputs.size() - 1), "the newest tool output"));
        }
        if (contains("toolOutputs")) {
            List<String> memory = request.context().memory();
            for (int i = 0; i < memory.size(); i++) {
                if (!memory.get(i).isBlank()) {
                    texts.add(new Text("toolOutputs", memory.get(i), memoryWhere(request, i)));
                }
            }
        }
        if (contains("action") && !request.action().text().isBlank()) {
            texts.add(new Text("action", request.action().text(), "the proposed action"));
        }
        return texts;
    }
}
