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
 *   <li>one with every run that decodes to readable text replaced by what it says: base64 (standard and
 *       URL-safe, 16+ characters), hex (16+ digits, optionally {@code \x}-escaped or separated by spaces or
 *       colons) and URL encoding (a text with three or more {@code %XX} escapes is read decoded); with leetspeak inside words mapped to
 *       letters ({@code 1gn0r3 -> ignore}) and letters spaced out one by one joined ({@code i g n o r e -> ignore});</li>
 *   <li>ROT13 of the whole text, when that reads as English and the text itself does not.</li>
 * </ul>
 * Everything is linear in the length of the text; a text without any of these comes back as no variants.
 */
public final class Deobfuscator {

    /** Decoded runs shorter than this are noise (a word that happens to be valid base64). */
    static final int MIN_DECODED = 6;

    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/\\-_]{16,}={0,2}");
    private static final Pattern HEX = Pattern.compile(
            "(?:\\\\x[0-9A-Fa-f]{2}){8,}|(?:[0-9A-Fa-f]{2}[ :]){7,}[0-9A-Fa-f]{2}|[0-9A-Fa-f]{16,}");
    private static final Pattern URL_ESCAPE = Pattern.compile("%[0-9A-Fa-f]{2}");
    private static final Pattern SPACED = Pattern.compile("(?<![\\p{L}\\p{N}])\\p{L}(?:(?: {1,3}|[.\\-_*] ?)\\p{L}){3,}(?![\\p{L}\\p{N}])");
    private static final Pattern LEET_WORD = Pattern.compile("[\\p{L}0-9@$|!]*[\\p{L}][\\p{L}0-9@$|!]*");

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
        String t = replaceDecodable(text, BASE64, Deobfuscator::base64);
        t = replaceDecodable(t, HEX, Deobfuscator::hex);
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

    private interface Decoder {
        String decode(String run);
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

    /** Letters spaced out one by one ("i g n o r e  a l l", "i.g.n.o.r.e") joined into words. */
    static String joinSpacedLetters(String text) {
        Matcher m = SPACED.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String run = m.group();
            StringBuilder joined = new StringBuilder(run.length());
            int spaces = 0;
            for (int i = 0; i < run.length(); i++) {
                char c = run.charAt(i);
                if (Character.isLetter(c)) {
                    // Two or more spaces between letters separate words.
                    if (spaces >= 2 && joined.length() > 0) {
                        joined.append(' ');
                    }
                    joined.append(c);
                    spaces = 0;
                } else if (c == ' ') {
                    spaces++;
                }
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(joined);
            last = m.end();
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
    }

    /** Words that mix letters with digits or symbols used as letters ("1gn0r3", "pr0mp7", "$y$tem") mapped to letters. */
    static String unLeet(String text) {
        boolean any = false;
        for (int i = 0; i < text.length() && !any; i++) {
            char c = text.charAt(i);
            any = (c >= '0' && c <= '9') || c == '@' || c == '$' || c == '|' || c == '!';
        }
        if (!any) {
            return text;
        }
        Matcher m = LEET_WORD.matcher(text);
        StringBuilder out = null;
        int last = 0;
        while (m.find()) {
            String w = m.group();
            int letters = 0, leet = 0;
            for (int i = 0; i < w.length(); i++) {
                char c = w.charAt(i);
                if (Character.isLetter(c)) {
                    letters++;
                } else if (leetLetter(c) != 0) {
                    leet++;
                }
            }
            // "mp3", "tp1234", "x86" or "win10" are words; "1gn0r3" or "h4ck" is a disguise: a substitution
            // between two letters.
            if (leet == 0 || letters < 2 || w.length() < 3 || !hasInnerSubstitution(w)) {
                continue;
            }
            StringBuilder mapped = new StringBuilder(w.length());
            for (int i = 0; i < w.length(); i++) {
                char c = w.charAt(i);
                char l = Character.isLetter(c) ? c : leetLetter(c);
                mapped.append(l == 0 ? c : l);
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, last, m.start()).append(mapped);
            last = m.end();
        }
        return out == null ? text : out.append(text, last, text.length()).toString();
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
        if (hex) {
            return false;
        }
        for (int i = 1; i < w.length(); i++) {
            if (Character.isLetter(w.charAt(i - 1)) && !Character.isLetter(w.charAt(i)) && leetLetter(w.charAt(i)) != 0) {
                int j = i;
                while (j < w.length() && !Character.isLetter(w.charAt(j)) && leetLetter(w.charAt(j)) != 0) {
                    j++;
                }
                if (j < w.length() && Character.isLetter(w.charAt(j))) {
                    return true;
                }
                i = j;
            }
        }
        return false;
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

    /** The share of ASCII words that are among the most common English (and prompt) words. */
    static double englishShare(String text) {
        int words = 0, common = 0;
        int i = 0, n = text.length();
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
