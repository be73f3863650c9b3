package io.patinox.validator.builtin;

import java.math.BigInteger;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The kinds of personal data and secrets the {@link PiiRedactor} finds. Each has a candidate pattern and,
 * where one exists, a checksum or plausibility test that candidates must pass, so that ordinary numbers
 * (order ids, dates, amounts) are not taken for cards or phone numbers. Declared in the order they are
 * applied: secrets and checksummed numbers before the looser phone pattern.
 */
public enum PiiKind {

    /** API keys, tokens and private key blocks of well-known formats. */
    SECRET("secret", Pattern.compile(String.join("|",
            "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|\\z)",
            "\\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}",
            "\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b",
            "\\bgh[pousr]_[A-Za-z0-9]{36,}\\b",
            "\\bxox[abprs]-[A-Za-z0-9-]{10,}",
            "\\bAIza[0-9A-Za-z_-]{35}\\b",
            "(?i)(?<=\\b(?:api[_-]?key|secret|password|passwd|token)\\s{0,3}[:=]\\s{0,3})[\"']?[^\\s\"']{8,}"))),

    /** International bank account numbers, checked with ISO 7064 mod 97-10. */
    IBAN("iban", Pattern.compile("\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\\b"), PiiKind::validIban),

    /** Payment card numbers (13-19 digits, issuer prefix 2-6) that pass the Luhn check. */
    PAYMENT_CARD("payment-card", Pattern.compile("(?<![\\d.,-])(?<![A-Z]{2}\\d{2} ?)[2-6]\\d{3}(?:[ -]?\\d){9,15}(?![\\d-])"),
            PiiKind::validCard),

    /** US social security numbers in the dashed form, excluding the ranges never issued. */
    NATIONAL_ID("national-id", Pattern.compile("(?<![\\d-])(?!000|666|9\\d\\d)\\d{3}-(?!00)\\d{2}-(?!0000)\\d{4}(?![\\d-])")),

    /**
     * E-mail addresses. A candidate starts only where a run of local-part characters starts (not at every
     * {@code \\b} inside it) and that run is not backtracked into: a megabyte of {@code a.a.a.a…} without an
     * {@code @} costs one pass, not a quadratic number of retries.
     */
    EMAIL("email",
            Pattern.compile("(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]++@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}\\b")),

    /**
     * Phone numbers: an international number ({@code +} and 8-15 digits) or a national one written with
     * separators ({@code (555) 123-4567}, {@code 030 1234 5678}); bare digit runs, dates, times and
     * IP addresses are not phone numbers.
     */
    PHONE("phone", Pattern.compile(
            "(?<![\\w+.-])(?:\\+\\d{1,3}[ .-]?(?:\\(\\d{1,4}\\)[ .-]?)?\\d{1,4}(?:[ .-]?\\d{1,5}){1,4}"
                    + "|\\(\\d{2,5}\\)[ .-]?\\d{2,5}(?:[ .-]\\d{2,5}){0,3}"
                    + "|\\d{2,5}(?:[ .-]\\d{2,5}){1,4})(?![\\w.-]?\\d)"),
            PiiKind::plausiblePhone);

    /** How card numbers are written when grouped: 4-4-4-4(-3), 4-4-4-1..4 (13-15 digits) or 4-6-4/5 (Amex, Diners). */
    private static final Pattern CARD_GROUPS = Pattern
            .compile("\\d{4}(?:[ -]\\d{4}){2}(?:[ -]\\d{1,4})?(?:[ -]\\d{3})?|\\d{4}[ -]\\d{6}[ -]\\d{4,5}");
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(?:\\.\\d{1,3}){3}");
    private static final Pattern DATE = Pattern
            .compile("\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}.*|\\d{1,2}[-./]\\d{1,2}[-./]\\d{2,4}.*");

    private final String label;
    private final Pattern pattern;
    private final Predicate<String> check;

    PiiKind(String label, Pattern pattern) {
        this(label, pattern, s -> true);
    }

    PiiKind(String label, Pattern pattern, Predicate<String> check) {
        this.label = label;
        this.pattern = pattern;
        this.check = check;
    }

    /** The name policies and reasons use, e.g. {@code payment-card}. */
    public String label() {
        return label;
    }

    Pattern pattern() {
        return pattern;
    }

    boolean accepts(String candidate) {
        return check.test(candidate);
    }

    /** The kind with this label. */
    public static PiiKind ofLabel(String label) {
        for (PiiKind k : values()) {
            if (k.label.equals(label.toLowerCase(Locale.ROOT))) {
                return k;
            }
        }
        throw new IllegalArgumentException("unknown kind '" + label + "'");
    }

    /** Luhn check over the digits of {@code candidate}. */
    static boolean luhn(String digits) {
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
    }

    static boolean validCard(String candidate) {
        String digits = candidate.replaceAll("[ -]", "");
        if (!digits.equals(candidate) && !CARD_GROUPS.matcher(candidate).matches()) {
            return false;
        }
        return digits.length() >= 13 && digits.length() <= 19 && luhn(digits);
    }

    /** ISO 13616: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
    static boolean validIban(String candidate) {
        String iban = candidate.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        StringBuilder numeric = new StringBuilder();
        for (char c : rearranged.toCharArray()) {
            numeric.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(numeric.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }

    static boolean plausiblePhone(String candidate) {
        int digits = candidate.replaceAll("\\D", "").length();
        if (IPV4.matcher(candidate).matches() || DATE.matcher(candidate).matches()) {
            return false;
        }
        if (candidate.startsWith("+")) {
            return digits >= 8 && digits <= 15;
        }
        return digits >= 9 && digits <= 13;
    }
}
