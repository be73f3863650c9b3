package io.patinox.runtime.kafka;

import java.util.regex.Pattern;

/**
 * Makes an error message safe for logs and dead-letter reasons: the decoder quotes the offending record
 * ({@code at [Source: ...]}) and tokens of it, which may hold a user's prompt and personal data. Only the
 * first line is kept, bounded, with e-mail addresses and card-like digit runs masked. The last guard on every
 * {@link RefusalReason}.
 */
final class LogSafe {

    static final int MAX = 300;
    private static final Pattern EMAIL = Pattern.compile("[\\w.+-]+@[\\w-]+(\\.[\\w-]+)+");
    private static final Pattern DIGITS = Pattern.compile("\\d(?:[ -]?\\d){7,}");
    private static final Pattern QUOTED_TOKEN = Pattern.compile("token '[^']*'");

    private LogSafe() {
    }

    /** The message without the quoted source, tokens, e-mail addresses or long digit runs. */
    static String message(String message) {
        if (message == null) {
            return "";
        }
        String first = message.lines().findFirst().orElse("");
        int source = first.indexOf("[Source:");
        if (source >= 0) {
            first = first.substring(0, source).strip();
        }
        first = QUOTED_TOKEN.matcher(first).replaceAll("token '…'");
        first = EMAIL.matcher(first).replaceAll("[email]");
        first = DIGITS.matcher(first).replaceAll("[digits]");
        return first.length() <= MAX ? first : first.substring(0, MAX) + "…";
    }
}
