package io.patinox.detection.text;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cheap decodings of the usual obfuscations of an attack, so that a detector can score them as well and keep
 * the highest score. {@link #variants(String)} returns the readings of a (normalised) text that differ from it:
 * <ul>
 * <li>one with every run that decodes to readable text replaced by what it says: base64 (standard and
 * URL-safe, 16+ characters), hex (16+ digits, optionally {@code \x}-escaped or separated by spaces or
 * colons) and URL encoding (a text with three or more {@code %XX} escapes is read decoded); with leetspeak inside words mapped
 * to
 * letters ({@code 1gn0r3 -> ignore}) and letters spaced out one by one joined ({@code i g n o r e -> ignore});</li>
 * <li>ROT13 of the whole text, when that reads as English and the text itself does not.</li>
 * </ul>
 * Everything is linear in the length of the text; a text without any of these comes back as no variants.
 */
public final class Deobfuscator {

    /** Decoded runs shorter than this are noise (a word that happens to be valid base64). */
    static final int MIN_DECODED = 6;

    private static final Pattern HEX = Pattern.compile(
            "(?:\\\\x[0-9A-Fa-f]{2}){8,}|(?:[0-9A-Fa-f]{2}[ :]){7,}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{16,}");
    private static final Pattern URL_ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");
    /** Four or more single characters (any but spaces) one to three spaces apart: "i g n o r e a l l". */
    private static final Pattern SPACED = Pattern.compile("(?<!\\S)\\S(?: {1,3}\\S){3,}(?!\\S)");
    /** Letters joined by dots, dashes, underscores or stars: "i.g.n.o.r.e". */
    private static final Pattern DOTTED = Pattern.compile("(?<![\\p{L}\\p{N}])\\p{L}(?:[.\\-_*]\\p{L}){3,}(?![\\p{L}\\p{N}])");

    private static final Set<String> COMMON = Set.of("the", "a", "an", "and", "or", "to", "of", "in", "on", "for",
            "is", "are", "be", "you", "your", "i", "me", "my", "it", "this", "that", "with", "all", "not", "no", "do",
            "what", "how", "now", "as", "at", "by", "from", "will", "can", "if", "we", "they", "he", "she", "have",
            "has", "was", "were", "please", "tell", "say", "write", "give", "make", "ignore", "instructions",
            "previous", "system", "prompt", "secret", "password", "reveal", "print", "show", "rules", "answer",
            "question", "must", "should", "about", "there", "their", "here", "so", "but", "then", "than", "just",
            "who", "when", "where", "why", "which", "would", "could", "any", "every", "only", "also", "new");

    private Deobfuscator() {
    }

    /** The readings of {@code text} that differ from it (none for ordinary text). */
    public static List<String> variants(String text) {
        List<String> out = new ArrayList<>(2);
        String decoded = decodeRuns(text);
        decoded = joinSpacedLetters(decoded);
        decoded = unLeet(decoded);
        if (!decoded.equals(text)) {
            out.add(decoded);
        }
        String rot = rot13IfReadable(text);
        if (rot != null) {
            out.add(rot);
        }
        return out;
    }

    /** {@code text} with base64 and hex runs that decode to readable text replaced by it, and URL escapes decoded. */
    static String decodeRuns(String text) {
        // Cheap scans first: most texts hold no long run of base64 or hex characters, and skip the regexes.
        String t = replaceRuns(text, Deobfuscator::isBase64Char, Deobfuscator::base64);
        if (t.contains("\\x") || hasSpacedHexPairs(t)) {
            t = replaceDecodable(t, HEX, Deobfuscator::hex);
        } else {
            t = replaceRuns(t, c -> c < 0x80 && Character.digit(c, 16) >= 0, Deobfuscator::hex);
        }
        if (t.indexOf('%') >= 0) {
            Matcher m = URL_ESCAPE.matcher(t);
            int escapes = 0;
            while (escapes < 3 && m.find()) {
                escapes++;
            }
            if (escapes >= 3) {
                String decoded = url(t);
                if (decoded != null) {
                    t = decoded;
                }
            }
        }
        return t;
    }

    private interface CharClass {
        boolean test(char c);
    }

    private static boolean isBase64Char(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/'
                || c == '-' || c == '_';
    }

    /** Eight hex pairs separated by single spaces or colons ("49 67 6e ..."). */
    private static boolean hasSpacedHexPairs(String text) {
        int pairs = 0;
        int i = 0;
        int n = text.length();
        while (i + 1 < n) {
            if (Character.digit(text.charAt(i), 16) >= 0 && Character.digit(text.charAt(i + 1), 16) >= 0
                    && (i + 2 == n || text.charAt(i + 2) == ' ' || text.charAt(i + 2) == ':')) {
                if (++pairs >= 8) {
                    return true;
                }
                i += 3;
            } else {
                pairs = 0;
                i++;
            }
        }
        return false;
    }

    /** Four single non-space characters in a row, one to three spaces apart (what {@link #SPACED} needs). */
    private static boolean hasSpacedCharacters(String text) {
        int singles = 0;
        int i = 0;
        int n = text.length();
        while (i < n) {
            while (i < n && text.charAt(i) == ' ') {
                i++;
            }
            int start = i;
            while (i < n && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            if (i - start == 1) {
                if (++singles >= 4) {
                    return true;
                }
            } else if (i > start || (i < n && text.charAt(i) != ' ')) {
                singles = 0;
                if (i < n && text.charAt(i) != ' ') {
                    i++;
                }
            }
        }
        return false;
    }

    /** A letter, a dot, dash, underscore or star, and a letter, three times over ("i.g.n.o"). */
    private static boolean hasDottedLetters(String text) {
        int links = 0;
        for (int i = 1; i + 1 < text.length(); i++) {
            char c = text.charAt(i);
            if ((c == '.' || c == '-' || c == '_' || c == '*') && Character.isLetter(text.charAt(i - 1))
                    && Character.isLetter(text.charAt(i + 1))
                    && (i + 2 >= text.length() || !Character.isLetter(text.charAt(i + 2)))) {
                if (++links >= 3) {
                    return true;
                }
                i++;
            } else if (c != '.' && c != '-' && c != '_' && c != '*' && !(Character.isLetter(c)
                    && (text.charAt(i - 1) == '.' || text.charAt(i - 1) == '-' || text.charAt(i - 1) == '_'
                            || text.charAt(i - 1) == '*'))) {
                links = 0;
            }
        }
        return false;
    }

    /** A run of leet substitutions between two letters somewhere in the text (what {@link #unLeet} maps). */
    private static boolean hasInnerLeet(String text) {
        for (int i = 1; i + 1 < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isLetter(c) && leetLetter(c) != 0 && Character.isLetter(text.charAt(i - 1))) {
                int j = i;
                while (j < text.length() && !Character.isLetter(text.charAt(j)) && leetLetter(text.charAt(j)) != 0) {
                    j++;
                }
                if (j < text.length() && Character.isLetter(text.charAt(j))) {
                    return true;
                }
                i = j;
            }
        }
        return false;
    }

    private interface Decoder {
        String decode(String run);
    }

    /**
     * {@code text} with every maximal run of 16 or more characters of a class (and the {@code =} padding after it)
     * that {@code decoder} reads as text replaced by that text; a plain scan, no regular expression.
     */
    private static String replaceRuns(String text, CharClass cls, Decoder decoder) {
        StringBuilder out = null;
        int last = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!cls.test(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            while (i < n && cls.test(text.charAt(i))) {
                i++;
            }
            int end = i;
            while (end < n && end - i < 2 && text.charAt(end) == '=') {
                end++;
            }
            if (i - start < 16) {
                continue;
            }
            String decoded = decoder.decode(text.substring(start, end));
            if (decoded == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(text, last, start).append(' ').append(decoded).append(' ');
            last = end;
            i = end;
        }
        return out == null ? text : out.append(text, last, n).toString();
    }

    private static String replaceDecodable(String text, Pattern pattern, Decoder decoder) {
        Matcher m = pattern.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String decoded = decoder.decode(m.group());
            if (decoded == null) {
                continue;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(' ').append(decoded).append(' ');
            last = m.end();
        }
        if (out == null) {
            return text;
        }
        return out.append(text, last, text.length()).toString();
    }

    static String base64(String run) {
        String s = run;
        while (s.endsWith("=")) {
            s = s.substring(0, s.length() - 1);
        }
        // Plain words and identifiers are not base64: it mixes cases or digits.
        if (!hasMixedClasses(s)) {
            return null;
        }
        if (s.length() % 4 == 1) {
            s = s.substring(0, s.length() - 1);
        }
        byte[] bytes;
        try {
            bytes = (s.indexOf('-') >= 0 || s.indexOf('_') >= 0 ? Base64.getUrlDecoder() : Base64.getDecoder())
                    .decode(pad(s));
        } catch (IllegalArgumentException e) {
            return null;
        }
        return readable(bytes);
    }

    private static String pad(String s) {
        int rest = s.length() % 4;
        return rest == 0 ? s : s + "==".substring(0, 4 - rest);
    }

    private static boolean hasMixedClasses(String s) {
        boolean upper = false, lower = false, digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= c >= '0' && c <= '9';
        }
        return (upper && lower) || (digit && (upper || lower));
    }

    static String hex(String run) {
        StringBuilder digits = new StringBuilder(run.length());
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (c == '\\' && i + 1 < run.length() && run.charAt(i + 1) == 'x') {
                i++;
            } else if (Character.digit(c, 16) >= 0) {
                digits.append(c);
            }
        }
        if (digits.length() % 2 != 0) {
            digits.setLength(digits.length() - 1);
        }
        byte[] bytes = new byte[digits.length() / 2];
        for (int i = 0; i < bytes.length; i++) {
            bytes[i] = (byte) Integer.parseInt(digits, 2 * i, 2 * i + 2, 16);
        }
        return readable(bytes);
    }

    static String url(String run) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(run.length());
        for (int i = 0; i < run.length(); i++) {
            char c = run.charAt(i);
            if (c == '%' && i + 2 < run.length()) {
                int hi = Character.digit(run.charAt(i + 1), 16);
                int lo = Character.digit(run.charAt(i + 2), 16);
                if (hi >= 0 && lo >= 0) {
                    bytes.write(hi * 16 + lo);
                    i += 2;
                    continue;
                }
            }
            byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
            bytes.write(b, 0, b.length);
        }
        return readable(bytes.toByteArray());
    }

    /** The bytes as text when they are valid UTF-8 and read like text (letters, spaces, punctuation). */
    static String readable(byte[] bytes) {
        if (bytes.length < MIN_DECODED) {
            return null;
        }
        String s;
        try {
            s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        int letters = 0, bad = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isLetter(c)) {
                letters++;
            } else if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
                bad++;
            }
        }
        return bad == 0 && letters * 2 >= s.length() ? s : null;
    }

    /** Characters spaced out one by one ("i g n o r e a l l", "i.g.n.o.r.e") joined into words. */
    static String joinSpacedLetters(String text) {
        boolean spaced = hasSpacedCharacters(text);
        if (!spaced && !hasDottedLetters(text)) {
            return text;
        }
        Matcher m = spaced ? SPACED.matcher(text) : SPACED.matcher("");
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String run = m.group();
            StringBuilder joined = new StringBuilder(run.length());
            int spaces = 0;
            for (int i = 0; i < run.length(); i++) {
                char c = run.charAt(i);
                if (c == ' ') {
                    spaces++;
                    continue;
                }
                // Two or more spaces between characters separate words.
                if (spaces >= 2 && joined.length() > 0) {
                    joined.append(' ');
                }
                joined.append(c);
                spaces = 0;
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(joined);
            last = m.end();
        }
        String t = out == null ? text : out.append(text, last, text.length()).toString();
        Matcher d = DOTTED.matcher(t);
        if (!d.find()) {
            return t;
        }
        StringBuilder dotted = new StringBuilder(t.length());
        int from = 0;
        do {
            dotted.append(t, from, d.start()).append(d.group().replaceAll("[.\\-_*]", ""));
            from = d.end();
        } while (d.find());
        return dotted.append(t, from, t.length()).toString();
    }

    /** Words that mix letters with digits or symbols used as letters ("1gn0r3", "pr0mp7", "$y$tem") mapped to letters. */
    static String unLeet(String text) {
        if (!hasInnerLeet(text)) {
            return text;
        }
        StringBuilder out = null;
        int last = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            if (!isLeetWordChar(text.charAt(i))) {
                i++;
                continue;
            }
            int start = i;
            int letters = 0, leet = 0;
            while (i < n && isLeetWordChar(text.charAt(i))) {
                char c = text.charAt(i);
                if (Character.isLetter(c)) {
                    letters++;
                } else if (leetLetter(c) != 0) {
                    leet++;
                }
                i++;
            }
            String w = text.substring(start, i);
            // "mp3", "tp1234", "x86" or "win10" are words; "1gn0r3" or "h4ck" is a disguise: a substitution
            // between two letters.
            if (leet == 0 || letters < 2 || w.length() < 3 || !hasInnerSubstitution(w)) {
                continue;
            }
            StringBuilder mapped = new StringBuilder(w.length());
            for (int k = 0; k < w.length(); k++) {
                char c = w.charAt(k);
                char l = Character.isLetter(c) ? c : leetLetter(c);
                mapped.append(l == 0 ? c : l);
            }
            if (out == null) {
                out = new StringBuilder(n);
            }
            out.append(text, last, start).append(mapped);
            last = i;
        }
        return out == null ? text : out.append(text, last, n).toString();
    }

    private static boolean isLeetWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '@' || c == '$' || c == '|' || c == '!';
    }

    /**
     * Whether a run of substitutions sits between two letters, and the word is not a hex string (a hash or an
     * id: "c55a" is not "cssa").
     */
    private static boolean hasInnerSubstitution(String w) {
        boolean hex = true;
        for (int i = 0; i < w.length() && hex; i++) {
            hex = Character.digit(w.charAt(i), 16) >= 0;
        }
        return !hex && hasInnerLeet(w);
    }

    private static char leetLetter(char c) {
        return switch (c) {
            case '0' -> 'o';
            case '1', '!', '|' -> 'i';
            case '3' -> 'e';
            case '4', '@' -> 'a';
            case '5', '$' -> 's';
            case '7' -> 't';
            case '8' -> 'b';
            case '9' -> 'g';
            default -> 0;
        };
    }

    /** ROT13 of {@code text} when at least 20 letters, and the rotated text reads as English while the text does not. */
    static String rot13IfReadable(String text) {
        int letters = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) {
                letters++;
            }
        }
        if (letters < 20) {
            return null;
        }
        double plain = englishShare(text);
        if (plain >= 0.25) {
            return null;
        }
        String rotated = rot13(text);
        return englishShare(rotated) >= 0.3 ? rotated : null;
    }

    static String rot13(String text) {
        char[] cs = text.toCharArray();
        for (int i = 0; i < cs.length; i++) {
            char c = cs[i];
            if (c >= 'a' && c <= 'z') {
                cs[i] = (char) ('a' + (c - 'a' + 13) % 26);
            } else if (c >= 'A' && c <= 'Z') {
                cs[i] = (char) ('A' + (c - 'A' + 13) % 26);
            }
        }
        return new String(cs);
    }

    /** The share of ASCII words that are among the most common English (and prompt) words (of the first 4,000 characters). */
    static double englishShare(String text) {
        int words = 0, common = 0;
        int i = 0, n = Math.min(text.length(), 4000);
        while (i < n) {
            while (i < n && !isAsciiLetter(text.charAt(i))) {
                i++;
            }
            int s = i;
            while (i < n && isAsciiLetter(text.charAt(i))) {
                i++;
            }
            if (i > s) {
                words++;
                if (i - s <= 12 && COMMON.contains(text.substring(s, i).toLowerCase(Locale.ROOT))) {
                    common++;
                }
            }
        }
        return words == 0 ? 0 : (double) common / words;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }
}
