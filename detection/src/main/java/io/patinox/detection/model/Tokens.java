package io.patinox.detection.model;

import java.util.Arrays;

/**
 * The tokens of a prepared (normalised, lower-cased) text, as offsets into it: runs of letters and digits
 * (with combining marks) in alphabetic scripts, one token per Han, Kana, Thai, Lao, Khmer or Myanmar character (those
 * scripts do not separate words with spaces), and the markup characters that injected text uses to look like a
 * prompt's structure ({@code < > [ ] { } # | \ / : = * _ ` ~ $ @ %}) as tokens of their own. Everything else is
 * a separator. No strings are created: features hash the characters in place.
 */
public final class Tokens {

    /** The text the offsets point into. */
    final String text;
    int[] start;
    int[] end;
    /** Whether token i is a word of an alphabetic script (char n-grams are taken of those only). */
    boolean[] word;
    int size;

    private Tokens(String text, int capacity) {
        this.text = text;
        this.start = new int[capacity];
        this.end = new int[capacity];
        this.word = new boolean[capacity];
    }

    /** Tokenises {@code prepared} (see {@link Features#prepare(String)}). */
    public static Tokens of(String prepared) {
        Tokens t = new Tokens(prepared, Math.max(8, prepared.length() / 5));
        int n = prepared.length();
        int i = 0;
        while (i < n) {
            int cp = prepared.codePointAt(i);
            int len = Character.charCount(cp);
            if (isSplitScript(cp)) {
                t.add(i, i + len, false);
                i += len;
            } else if (Character.isLetterOrDigit(cp)) {
                int s = i;
                i += len;
                while (i < n) {
                    int c = prepared.codePointAt(i);
                    if (isSplitScript(c) || !(Character.isLetterOrDigit(c) || isMark(c) || isInnerApostrophe(prepared, i))) {
                        break;
                    }
                    i += Character.charCount(c);
                }
                t.add(s, i, true);
            } else {
                if (isMarkup(cp)) {
                    t.add(i, i + len, false);
                }
                i += len;
            }
        }
        return t;
    }

    private void add(int s, int e, boolean isWord) {
        if (size == start.length) {
            int cap = size * 2;
            start = Arrays.copyOf(start, cap);
            end = Arrays.copyOf(end, cap);
            word = Arrays.copyOf(word, cap);
        }
        start[size] = s;
        end[size] = e;
        word[size] = isWord;
        size++;
    }

    /** The number of tokens. */
    public int size() {
        return size;
    }

    /** Token {@code i} as a string (for tests and diagnostics; scoring never calls it). */
    public String token(int i) {
        return text.substring(start[i], end[i]);
    }

    private static boolean isMark(int cp) {
        int type = Character.getType(cp);
        return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
                || type == Character.ENCLOSING_MARK;
    }

    /** An apostrophe between two letters ("don't", "l'instruction") stays inside the word. */
    private static boolean isInnerApostrophe(String s, int i) {
        char c = s.charAt(i);
        return (c == '\'' || c == '\u2019') && i + 1 < s.length() && Character.isLetter(s.charAt(i + 1))
                && i > 0 && Character.isLetter(s.charAt(i - 1));
    }

    static boolean isMarkup(int cp) {
        return switch (cp) {
            case '<', '>', '[', ']', '{', '}', '#', '|', '\\', '/', ':', '=', '*', '_', '`', '~', '$', '@', '%' -> true;
            default -> false;
        };
    }

    /** Scripts written without spaces between words: every character is a token. */
    static boolean isSplitScript(int cp) {
        if (cp < 0x0E00) {
            return false;
        }
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || script == Character.UnicodeScript.THAI || script == Character.UnicodeScript.LAO
                || script == Character.UnicodeScript.KHMER || script == Character.UnicodeScript.MYANMAR;
    }
}
