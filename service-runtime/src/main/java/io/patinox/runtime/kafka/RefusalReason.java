package io.patinox.runtime.kafka;

import io.patinox.contracts.json.ContractViolation;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Why a record was refused, in words safe for logs and the {@code dead-letter-reason} header: what kind of fault,
 * at which field, in which record type, and never any part of the record's content. The decoder's own messages
 * quote the offending value or token (a step's output, a user's prompt, personal data), so they are not passed on;
 * only the contracts' own checks, whose messages name a field and at most a number, are kept.
 */
public final class RefusalReason {

    /** The decoder's kinds of fault, by the start of its message (most specific first). */
    private static final List<String> KINDS = List.of("empty message", "unknown field", "unknown type id",
            "invalid", "wrong type or missing value", "cannot read field", "not valid JSON", "cannot read");

    /** A record of another schema version: the versions and the record type are all it says. */
    private static final Pattern VERSION = Pattern.compile(
            "unsupported schemaVersion -?\\d{1,10} of \\w{1,60} \\(this reader understands -?\\d{1,10}\\)");

    /** Messages of the contracts' checks (io.patinox.contracts.events.Checks): field names and numbers only. */
    private static final Pattern CHECK = Pattern.compile(
            "missing required field '[\\w.\\[\\]]{1,100}'( of \\w{1,60})?"
                    + "|" + VERSION.pattern()
                    + "|field '[\\w.\\[\\]]{1,100}' must be >= 0, was -?\\d{1,20}");

    /** A field path as the decoder reports it: names and indexes, nothing else. */
    private static final Pattern FIELD = Pattern.compile("[\\w.\\[\\]]{1,200}");

    private RefusalReason() {
    }

    /** The safe reason for refusing a record of {@code type}. */
    public static String of(RuntimeException e, Class<?> type) {
        return LogSafe.message(unbounded(e, type));
    }

    private static String unbounded(RuntimeException e, Class<?> type) {
        String record = type.getSimpleName();
        if (!(e instanceof ContractViolation violation)) {
            return "cannot read " + record + " (" + e.getClass().getSimpleName() + ")";
        }
        String message = violation.getMessage() == null ? "" : violation.getMessage();
        if (VERSION.matcher(message).matches()) {
            return message;
        }
        String kind = KINDS.stream().filter(message::startsWith).findFirst().orElse("cannot read");
        var reason = new StringBuilder(kind);
        String field = violation.field();
        if (field != null && !field.isEmpty()) {
            reason.append(FIELD.matcher(field).matches() ? " at '" + field + "'" : " at an unnamed field");
        }
        reason.append(" in ").append(record);
        if ("invalid".equals(kind)) {
            var check = CHECK.matcher(message);
            if (check.find()) {
                reason.append(": ").append(check.group());
            }
        }
        return reason.toString();
    }
}
