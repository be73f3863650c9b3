package io.patinox.executor.ai;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.json.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The offline model: it does not generate anything, it replays model turns recorded in a script file
 * ({@code <config dir>/scripts/<name>.jsonl}). Every event it produces is marked {@code scripted}.
 *
 * <p>
 * Format: one JSON object per line ({@code #} lines are comments), tried in order:
 *
 * <pre>
 * {"match": "(?i)17 \\* 23", "turns": [{"action": {"type": "tool_call", "tool": "calculator",
 *   "arguments": {"expression": "17 * 23"}}, "inputTokens": 120, "outputTokens": 14}, ...]}
 * {"fallback": true, "turns": [...]}
 * </pre>
 *
 * The first entry whose {@code match} regex is found in the task input gives the turns; else the
 * fallback entry. The n-th model call of an agent in a run (retries included) replays turn n; past the end, the last
 * turn again. In answers and string arguments, {@code {{input}}}, {@code {{lastToolOutput}}} and
 * {@code {{feedback}}} are replaced by the task, the latest tool output and the latest validator feedback.
 */
public final class ScriptedModel implements ModelClient {

    /** The provider name of this model on events. */
    public static final String PROVIDER = "scripted";

    record Turn(@JsonProperty("action") Action action, @JsonProperty("inputTokens") Long inputTokens,
            @JsonProperty("outputTokens") Long outputTokens, @JsonProperty("costUsd") Double costUsd) {
        Usage usage() {
            return new Usage(inputTokens == null ? 0 : inputTokens, outputTokens == null ? 0 : outputTokens,
                    costUsd == null ? 0 : costUsd);
        }
    }

    record Entry(@JsonProperty("match") String match, @JsonProperty("fallback") Boolean fallback,
            @JsonProperty("turns") List<Turn> turns) {
    }

    private record Compiled(Pattern pattern, List<Turn> turns) {
    }

    private final ModelRef ref;
    private final List<Compiled> entries;
    private final List<Turn> fallback;

    private ScriptedModel(String name, List<Compiled> entries, List<Turn> fallback) {
        this.ref = new ModelRef(PROVIDER, name, true);
        this.entries = entries;
        this.fallback = fallback;
    }

    /** Loads the script {@code file}; the script's name is the file name without extension. */
    public static ScriptedModel load(Path file) {
        String name = file.getFileName().toString().replaceFirst("\\.jsonl$", "");
        List<Compiled> entries = new ArrayList<>();
        List<Turn> fallback = null;
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelFailure("cannot read script " + file + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            Entry entry;
            try {
                entry = Json.mapper().readValue(line, Entry.class);
            } catch (IOException e) {
                throw new ModelFailure(file + " line " + (i + 1) + ": " + e.getMessage().lines().findFirst().orElse(""), e);
            }
            if (entry.turns() == null || entry.turns().isEmpty()) {
                throw new ModelFailure(file + " line " + (i + 1) + ": field 'turns' must list at least one turn", null);
            }
            if (Boolean.TRUE.equals(entry.fallback())) {
                fallback = entry.turns();
            } else if (entry.match() == null) {
                throw new ModelFailure(file + " line " + (i + 1) + ": field 'match' is required unless 'fallback' is true",
                        null);
            } else {
                entries.add(new Compiled(Pattern.compile(entry.match()), entry.turns()));
            }
        }
        if (fallback == null) {
            fallback = List.of(new Turn(new Action.FinalAnswer("I don't have a scripted answer for that."), 0L, 0L, 0.0));
        }
        return new ScriptedModel(name, List.copyOf(entries), fallback);
    }

    @Override
    public ModelRef ref() {
        return ref;
    }

    @Override
    public ModelTurn propose(ModelRequest request) {
        List<Turn> turns = fallback;
        for (Compiled c : entries) {
            if (c.pattern().matcher(request.taskInput()).find()) {
                turns = c.turns();
                break;
            }
        }
        Turn turn = turns.get(Math.min(request.callIndex(), turns.size() - 1));
        return new ModelTurn(fill(turn.action(), request), turn.usage());
    }

    private static Action fill(Action action, ModelRequest request) {
        if (action instanceof Action.FinalAnswer a) {
            return new Action.FinalAnswer(fill(a.answer(), request));
        }
        Action.ToolCall call = (Action.ToolCall) action;
        Map<String, Object> args = new LinkedHashMap<>();
        call.arguments().forEach((k, v) -> args.put(k, v instanceof String s ? fill(s, request) : v));
        return new Action.ToolCall(call.tool(), args);
    }

    private static String fill(String text, ModelRequest request) {
        return text.replace("{{input}}", request.taskInput())
                .replace("{{lastToolOutput}}", request.lastToolOutput())
                .replace("{{feedback}}", request.lastFeedback());
    }
}
