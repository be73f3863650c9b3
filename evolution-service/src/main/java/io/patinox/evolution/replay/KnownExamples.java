package io.patinox.evolution.replay;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.validator.eval.LabelledStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The known-attack and known-good sets of a config directory: attack and benign corpus lines (replayed as the
 * task input of a first step whose action is a plain answer, so the verdict is about the input) and labelled
 * steps in the validator's evaluation format ({@link LabelledStep}, read by the validator's own reader).
 */
public final class KnownExamples {

    /** The neutral action corpus lines are replayed with. */
    static final Action NEUTRAL = new Action.FinalAnswer("Thank you, I will look into it.");

    private KnownExamples() {
    }

    /** Every example of {@code configDir}'s files (missing files are skipped), judged with {@code policy}. */
    public static List<ReplayExample> read(Path configDir, String agent, String policy, List<String> attackFiles,
            List<String> goodFiles, List<String> labelledFiles) {
        List<ReplayExample> examples = new ArrayList<>();
        for (String file : attackFiles) {
            lines(configDir, file, agent, policy, ReplayExample.Set.ATTACK, examples);
        }
        for (String file : goodFiles) {
            lines(configDir, file, agent, policy, ReplayExample.Set.GOOD, examples);
        }
        for (String file : labelledFiles) {
            Path path = configDir.resolve(file);
            if (!Files.isRegularFile(path)) {
                continue;
            }
            try {
                for (LabelledStep step : LabelledStep.read(path)) {
                    if (step.policy() != null && !step.policy().equals(policy)) {
                        continue; // labelled for another policy's validators
                    }
                    ValidationRequest r = step.toRequest(policy);
                    examples.add(new ReplayExample(file + "#" + step.id(), step.shouldFlag() ? ReplayExample.Set.ATTACK
                            : ReplayExample.Set.GOOD, withAgent(r, agent), null));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + path, e);
            }
        }
        return examples;
    }

    private static void lines(Path configDir, String file, String agent, String policy, ReplayExample.Set set,
            List<ReplayExample> examples) {
        Path path = configDir.resolve(file);
        if (!Files.isRegularFile(path)) {
            return;
        }
        List<String> lines;
        try {
            lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + path, e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String id = file + ":" + (i + 1);
            examples.add(new ReplayExample(id, set, new ValidationRequest(ValidationRequest.SCHEMA_VERSION,
                    "replay-" + id, "replay", "replay-" + id, 0, agent, "replay", policy, NEUTRAL,
                    new StepContext(line, List.of(), null, 0), Instant.now()), null));
        }
    }

    private static ValidationRequest withAgent(ValidationRequest r, String agent) {
        return new ValidationRequest(r.schemaVersion(), r.requestId(), r.taskId(), r.runId(), r.stepIndex(), agent,
                r.configVersion(), r.policy(), r.action(), r.context(), r.occurredAt());
    }
}
