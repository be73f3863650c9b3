package io.patinox.validator.builtin;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.validation.Judgement;
import io.patinox.detection.text.TextNormalizer;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Cheap, deterministic rules: deny patterns on the proposed action and (on the first step) on the task
 * input, a tool allow-list, size limits, and divert rules on tool arguments (e.g. a refund above a limit
 * goes to a human). Parameters:
 *
 * <pre>{@code
 * deny:        [{pattern: '(?i)my system prompt is', reason: leaks the system prompt}]
 * denyInput:   [{pattern: 'ignore (all )?previous instructions', reason: prompt injection}]
 * denyToolOutput: [{pattern: 'ignore (all )?previous instructions', reason: indirect injection}]  # the newest tool output
 *                                                          # and every memory text of the step's context
 * maxToolOutputScan: 100000  # of a longer tool output, the first and last 50,000 characters are matched
 * allowedTools: [calculator, clock, refund]   # empty or absent: any tool
 * maxActionChars: 20000
 * maxInputChars: 20000
 * divert: [{tool: refund, field: amount, above: 500, target: human-review, reason: large refund}]
 * maxTokens: 200000      # the run's tokens so far (context.usage, input + output); reached: Block
 * maxInputTokens: 150000 # prompt tokens only
 * maxOutputTokens: 50000 # completion tokens only
 * maxCostUsd: 2.0        # the run's estimated cost so far
 * }</pre>
 *
 * Patterns match the text as {@link TextNormalizer} leaves it (zero-width and bidi characters removed, NFKC,
 * Cyrillic/Greek look-alikes mapped in mixed-script words), so {@code іgnоrе} with Cyrillic letters or
 * {@code ig\u200Bnore} still match. Budgets are checked before anything else: a run that has spent its budget takes no further
 * step.
 */
public final class RulesValidator extends NamedValidator {

    /** The type name policies use. */
    public static final String TYPE = "rules";

    record Deny(Pattern pattern, String reason) {
    }

    record DivertRule(String tool, String field, double above, String target, String reason) {
    }

    private final List<Deny> deny;
    private final List<Deny> denyInput;
    private final List<Deny> denyToolOutput;
    private final int maxToolOutputScan;
    private final Set<String> allowedTools;
    private final int maxActionChars;
    private final int maxInputChars;
    private final List<DivertRule> divert;
    private final long maxTokens;
    private final long maxInputTokens;
    private final long maxOutputTokens;
    private final double maxCostUsd;

    RulesValidator(String name, Params params) {
        super(name, 10);
        params.allowOnly("deny", "denyInput", "denyToolOutput", "maxToolOutputScan", "allowedTools", "maxActionChars",
                "maxInputChars", "divert",
                "maxTokens", "maxInputTokens", "maxOutputTokens", "maxCostUsd");
        this.deny = params.objects("deny").stream().map(RulesValidator::deny).toList();
        this.denyInput = params.objects("denyInput").stream().map(RulesValidator::deny).toList();
        this.denyToolOutput = params.objects("denyToolOutput").stream().map(RulesValidator::deny).toList();
        // Tool outputs have no size limit (a web page may be large); the injection classifier reads them whole.
        this.maxToolOutputScan = params.integer("maxToolOutputScan", 100_000);
        if (maxToolOutputScan < 1000) {
            throw params.error("maxToolOutputScan", "must be at least 1000");
        }
        this.allowedTools = Set.copyOf(params.strings("allowedTools"));
        this.maxActionChars = params.integer("maxActionChars", 20_000);
        this.maxInputChars = params.integer("maxInputChars", 20_000);
        this.divert = params.objects("divert").stream().map(RulesValidator::divertRule).toList();
        this.maxTokens = budget(params, "maxTokens");
        this.maxInputTokens = budget(params, "maxInputTokens");
        this.maxOutputTokens = budget(params, "maxOutputTokens");
        double cost = params.number("maxCostUsd", Double.POSITIVE_INFINITY);
        if (!(cost > 0)) {
            throw params.error("maxCostUsd", "must be > 0");
        }
        this.maxCostUsd = cost;
    }

    /** A positive whole budget, or no limit when absent. */
    private static long budget(Params params, String key) {
        double v = params.number(key, Long.MAX_VALUE);
        if (v <= 0 || v != Math.rint(v)) {
            throw params.error(key, "must be a whole number > 0");
        }
        return (long) v;
    }

    private static Deny deny(Params p) {
        p.allowOnly("pattern", "reason");
        Pattern pattern = p.pattern("pattern");
        return new Deny(pattern, p.string("reason", "matches deny pattern '" + pattern.pattern() + "'"));
    }

    private static DivertRule divertRule(Params p) {
        p.allowOnly("tool", "field", "above", "target", "reason");
        if (!p.has("above")) {
            throw p.error("above", "required");
        }
        String tool = p.requiredString("tool");
        String field = p.requiredString("field");
        double above = p.number("above", 0);
        return new DivertRule(tool, field, above, p.string("target", "human-review"),
                p.string("reason", tool + " with " + field + " above " + above));
    }

    @Override
    public Judgement validate(ValidationRequest request) {
        Judgement overBudget = budgetCheck(request.context().usage());
        if (overBudget != null) {
            return overBudget;
        }
        String input = request.context().taskInput();
        if (input.length() > maxInputChars) {
            return Judgement.block(1, "task input has " + input.length() + " characters, limit " + maxInputChars);
        }
        if (request.stepIndex() == 0 && !denyInput.isEmpty()) {
            Deny hit = firstMatch(denyInput, TextNormalizer.normalize(input));
            if (hit != null) {
                return Judgement.block(1, "task input denied: " + hit.reason());
            }
        }
        List<String> outputs = request.context().toolOutputs();
        if (!outputs.isEmpty() && !denyToolOutput.isEmpty()) {
            String output = scanned(outputs.get(outputs.size() - 1));
            Deny hit = firstMatch(denyToolOutput, TextNormalizer.normalize(output));
            if (hit != null) {
                return Judgement.block(1, "newest tool output denied: " + hit.reason());
            }
        }
        List<String> memory = request.context().memory();
        for (int i = 0; i < memory.size() && !denyToolOutput.isEmpty(); i++) {
            Deny hit = firstMatch(denyToolOutput, TextNormalizer.normalize(scanned(memory.get(i))));
            if (hit != null) {
                return Judgement.block(1, Inspect.memoryWhere(request, i) + " denied: " + hit.reason());
            }
        }
        Action action = request.action();
        String text = actionText(action);
        if (text.length() > maxActionChars) {
            return Judgement.block(1, "action has " + text.length() + " characters, limit " + maxActionChars);
        }
        Deny hit = firstMatch(deny, TextNormalizer.normalize(text));
        if (hit != null) {
            return Judgement.block(1, "action denied: " + hit.reason());
        }
        if (action instanceof Action.ToolCall call) {
            if (!allowedTools.isEmpty() && !allowedTools.contains(call.tool())) {
                return Judgement.block(1, "tool '" + call.tool() + "' is not in the policy's allowed tools");
            }
            for (DivertRule rule : divert) {
                if (rule.tool().equals(call.tool()) && exceeds(call.arguments().get(rule.field()), rule.above())) {
                    return Judgement.divert(rule.target(), 1, rule.reason());
                }
            }
        }
        return Judgement.allow(0, "no rule matched");
    }

    /** Of a text longer than {@code maxToolOutputScan}, its head and tail. */
    private String scanned(String output) {
        if (output.length() <= maxToolOutputScan) {
            return output;
        }
        int half = maxToolOutputScan / 2;
        return output.substring(0, half) + "\n" + output.substring(output.length() - half);
    }

    private static Deny firstMatch(List<Deny> rules, String text) {
        for (Deny d : rules) {
            if (d.pattern().matcher(text).find()) {
                return d;
            }
        }
        return null;
    }

    /** A Block when the run's spending so far reached a budget, else null. */
    private Judgement budgetCheck(Usage usage) {
        if (usage.totalTokens() >= maxTokens) {
            return Judgement.block(1, "token budget used up: the run has spent " + usage.totalTokens()
                    + " tokens, limit " + maxTokens);
        }
        if (usage.inputTokens() >= maxInputTokens) {
            return Judgement.block(1, "input token budget used up: the run has spent " + usage.inputTokens()
                    + " prompt tokens, limit " + maxInputTokens);
        }
        if (usage.outputTokens() >= maxOutputTokens) {
            return Judgement.block(1, "output token budget used up: the run has spent " + usage.outputTokens()
                    + " completion tokens, limit " + maxOutputTokens);
        }
        if (usage.costUsd() >= maxCostUsd) {
            return Judgement.block(1, String.format(java.util.Locale.ROOT,
                    "cost budget used up: the run has spent %.4f USD, limit %.4f USD", usage.costUsd(), maxCostUsd));
        }
        return null;
    }

    /** The tool name and its arguments as JSON, or the answer: what the deny patterns read. */
    static String actionText(Action action) {
        if (action instanceof Action.ToolCall call) {
            return call.tool() + " " + new String(Json.encode(call.arguments()), java.nio.charset.StandardCharsets.UTF_8);
        }
        return action.text();
    }

    private static boolean exceeds(Object value, double limit) {
        if (value instanceof Number n) {
            return n.doubleValue() > limit;
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s.trim()) > limit;
            } catch (NumberFormatException e) {
                return false;
            }
        }
        return false;
    }

    /** Creates {@link RulesValidator}s from policy parameters. */
    public static final class Factory extends ParamsFactory {
        public Factory() {
            super(TYPE, RulesValidator::new);
        }
    }
}
