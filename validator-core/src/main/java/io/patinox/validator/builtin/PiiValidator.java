package io.patinox.validator.builtin;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.Judgement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Personal data and secrets in a final answer or in a tool call's string arguments: answers
 * {@code Modify} with them redacted (or {@code Block}, if the policy says so). The reason names the
 * kinds and counts, never the values. Parameters:
 *
 * <pre>{@code
 * kinds: [email, phone, payment-card, iban, national-id, secret]   # default: all
 * action: modify   # or block
 * }</pre>
 */
public final class PiiValidator extends NamedValidator {

    /** The type name policies use. */
    public static final String TYPE = "pii";

    private final PiiRedactor redactor;
    private final boolean block;

    PiiValidator(String name, Params params) {
        super(name, 30);
        params.allowOnly("kinds", "action");
        List<PiiKind> kinds = new ArrayList<>();
        List<String> labels = params.strings("kinds");
        for (int i = 0; i < labels.size(); i++) {
            try {
                kinds.add(PiiKind.ofLabel(labels.get(i)));
            } catch (IllegalArgumentException e) {
                throw params.error("kinds[" + i + "]", e.getMessage() + " (known: " + Arrays.stream(PiiKind.values())
                        .map(PiiKind::label).collect(Collectors.joining(", ")) + ")");
            }
        }
        this.redactor = new PiiRedactor(kinds.isEmpty() ? List.of(PiiKind.values()) : kinds);
        String action = params.string("action", "modify");
        if (!action.equals("modify") && !action.equals("block")) {
            throw params.error("action", "expected modify or block but was '" + action + "'");
        }
        this.block = action.equals("block");
    }

    @Override
    public Judgement validate(ValidationRequest request) {
        Map<PiiKind, Integer> found = new EnumMap<>(PiiKind.class);
        Action redacted = redact(request.action(), found);
        if (found.isEmpty()) {
            return Judgement.allow(0, "no personal data or secrets found");
        }
        String kinds = found.entrySet().stream()
                .map(e -> e.getKey().label() + " x" + e.getValue())
                .collect(Collectors.joining(", "));
        return block
                ? Judgement.block(1, "personal data or secrets found: " + kinds)
                : Judgement.modify(redacted, 1, "redacted " + kinds);
    }

    private Action redact(Action action, Map<PiiKind, Integer> found) {
        if (action instanceof Action.FinalAnswer answer) {
            return new Action.FinalAnswer(redactor.redact(answer.answer(), found));
        }
        Action.ToolCall call = (Action.ToolCall) action;
        @SuppressWarnings("unchecked")
        Map<String, Object> arguments = (Map<String, Object>) redactValue(call.arguments(), found);
        return new Action.ToolCall(call.tool(), arguments);
    }

    /** Strings are redacted, maps and lists walked, other values kept as they are. */
    private Object redactValue(Object value, Map<PiiKind, Integer> found) {
        if (value instanceof String s) {
            return redactor.redact(s, found);
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), redactValue(v, found)));
            return out;
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>(list.size());
            list.forEach(v -> out.add(redactValue(v, found)));
            return out;
        }
        return value;
    }

    /** Creates {@link PiiValidator}s from policy parameters. */
    public static final class Factory extends ParamsFactory {
        public Factory() {
            super(TYPE, PiiValidator::new);
        }
    }
}
