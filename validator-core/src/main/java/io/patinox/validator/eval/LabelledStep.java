package io.patinox.validator.eval;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One line of a labelled evaluation file (JSONL, one object per line, {@code #} lines ignored):
 *
 * <pre>{@code
 * {"id": "pii-1", "input": "Send it to me", "action": {"type": "final_answer", "answer": "Mail jane@example.com"},
 *  "label": "flag", "stepIndex": 0, "toolOutputs": [], "policy": "default"}
 * }</pre>
 *
 * {@code label} is {@code flag} (the step must not pass unchanged: any verdict but Allow is right) or
 * {@code allow}; {@code attack} and {@code benign} are accepted as synonyms. {@code stepIndex} (default 0),
 * {@code toolOutputs} (default none) and {@code policy} (default: the command's) are optional; so are
 * {@code source} and {@code category} (where the example comes from and what kind of text it is: the evaluation
 * reports recall per source and false positives per category).
 */
public record LabelledStep(String id, String input, Action action, String label, Integer stepIndex,
        List<String> toolOutputs, String policy, String source, String category) {

    private static final ObjectMapper STRICT = Json.mapper().copy()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    /** Whether the step should be stopped or changed. */
    public boolean shouldFlag() {
        return switch (label) {
            case "flag", "attack" -> true;
            case "allow", "benign" -> false;
            default -> throw new IllegalArgumentException("label must be flag, allow, attack or benign: " + label);
        };
    }

    /** The request the executor would send for this step. */
    public ValidationRequest toRequest(String defaultPolicy) {
        return new ValidationRequest(ValidationRequest.SCHEMA_VERSION, id, "eval", "eval-" + id,
                stepIndex == null ? 0 : stepIndex, "eval", "eval", policy == null ? defaultPolicy : policy, action,
                new StepContext(input == null ? "" : input, toolOutputs, null, 0), Instant.now());
    }

    /** Reads a labelled file; an invalid line is an error naming the line. */
    public static List<LabelledStep> read(Path file) throws IOException {
        List<LabelledStep> steps = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                LabelledStep step = STRICT.readValue(line, LabelledStep.class);
                if (step.id() == null || step.action() == null || step.label() == null) {
                    throw new IllegalArgumentException("id, action and label are required");
                }
                step.shouldFlag();
                steps.add(step);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + e.getMessage().lines().findFirst().orElse(""),
                        e);
            }
        }
        return steps;
    }
}
