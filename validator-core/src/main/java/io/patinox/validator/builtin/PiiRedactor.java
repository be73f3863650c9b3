package io.patinox.validator.builtin;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * Finds and redacts personal data and secrets in text. Each finding is replaced by {@code [<kind>]},
 * e.g. {@code [email]}; the found values are never kept.
 */
public final class PiiRedactor {

    /** The result of redacting one text: the new text and how many of each kind were found. */
    public record Redaction(String text, Map<PiiKind, Integer> found) {
        public boolean changed() {
            return !found.isEmpty();
        }
    }

    private final List<PiiKind> kinds;

    public PiiRedactor(List<PiiKind> kinds) {
        // Apply in declaration order whatever order the policy lists them in: secrets and checksummed
        // numbers must be taken out before the looser phone pattern sees their digits.
        this.kinds = kinds.stream().sorted().distinct().toList();
    }

    /** Redacts every kind this redactor looks for; counts go into {@code found}. */
    public String redact(String text, Map<PiiKind, Integer> found) {
        String current = text;
        for (PiiKind kind : kinds) {
            Matcher m = kind.pattern().matcher(current);
            StringBuilder out = null;
            int last = 0;
            while (m.find()) {
                if (!kind.accepts(m.group())) {
                    continue;
                }
                if (out == null) {
                    out = new StringBuilder(current.length());
                }
                out.append(current, last, m.start()).append('[').append(kind.label()).append(']');
                last = m.end();
                found.merge(kind, 1, Integer::sum);
            }
            if (out != null) {
                current = out.append(current, last, current.length()).toString();
            }
        }
        return current;
    }

    /** Redacts one text. */
    public Redaction redact(String text) {
        Map<PiiKind, Integer> found = new EnumMap<>(PiiKind.class);
        return new Redaction(redact(text, found), found);
    }
}
