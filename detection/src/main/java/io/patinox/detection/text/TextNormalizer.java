package io.patinox.detection.text;

import java.text.Normalizer;

/**
 * The text detectors read, with the usual disguises of an attack taken off:
 * <ul>
 * <li>invisible characters removed: zero-width spaces and joiners, the BOM, soft hyphens, bidirectional
 * controls (U+202A–202E, U+2066–2069) and Unicode tag characters (U+E0000–E007F, "ASCII smuggling");</li>
 * <li>NFKC: full-width letters, mathematical alphabets, ligatures and the like become plain letters;</li>
 * <li>homoglyphs: Cyrillic and Greek letters that look like Latin ones ({@code о}, {@code е}, {@code і},
 * {@code ο}, {@code ρ}…) become the Latin letter inside words that also hold Latin letters. A word
 * entirely in Cyrillic or Greek is left alone, so Russian or Greek text keeps its meaning.</li>
 * </ul>
 * Linear in the length; plain ASCII comes back unchanged without copying. Used for matching only: what the
 * agent does is never rewritten with it.
 */
public final class TextNormalizer {

    private TextNormalizer() {
    }

    /** {@code text} with invisible characters removed, NFKC applied and mixed-script homoglyphs mapped to Latin. */
    public static String normalize(String text) {
        if (isPlainAscii(text)) {
            return text;
        }
        StringBuilder visible = new StringBuilder(text.length());
        for (int i = 0; i < text.length();) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (!invisible(cp)) {
                visible.appendCodePoint(cp);
            }
        }
        String nfkc = Normalizer.normalize(visible, Normalizer.Form.NFKC);
        return mapMixedScriptWords(nfkc);
    }

    private static boolean isPlainAscii(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    /** Characters that render as nothing (or only reorder text) and so hide what a pattern would see. */
    static boolean invisible(int cp) {
        return (cp >= 0x200B && cp <= 0x200F) // zero-width space, non-joiner, joiner, LRM, RLM
                || (cp >= 0x202A && cp <= 0x202E) // bidi embeddings and overrides
                || (cp >= 0x2060 && cp <= 0x2064) // word joiner, invisible operators
                || (cp >= 0x2066 && cp <= 0x2069) // bidi isolates
                || cp == 0xFEFF || cp == 0x00AD || cp == 0x180E || cp == 0x034F
                || (cp >= 0xE0000 && cp <= 0xE007F) // tag characters
                || (cp >= 0xFE00 && cp <= 0xFE0F); // variation selectors
    }

    private static String mapMixedScriptWords(String text) {
        StringBuilder out = null;
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (!Character.isLetter(c)) {
                if (out != null) {
                    out.append(c);
                }
                i++;
                continue;
            }
            int start = i;
            boolean latin = false;
            boolean lookalike = false;
            while (i < n && (Character.isLetter(text.charAt(i))
                    || Character.getType(text.charAt(i)) == Character.NON_SPACING_MARK)) {
                char w = text.charAt(i);
                if (w < 0x80 || (w >= 0xC0 && w <= 0x24F)) {
                    latin = true;
                } else if (latin(w) != 0) {
                    lookalike = true;
                }
                i++;
            }
            if (latin && lookalike) {
                if (out == null) {
                    out = new StringBuilder(n).append(text, 0, start);
                }
                for (int k = start; k < i; k++) {
                    char w = text.charAt(k);
                    char mapped = latin(w);
                    out.append(mapped != 0 ? mapped : w);
                }
            } else if (out != null) {
                out.append(text, start, i);
            }
        }
        return out == null ? text : out.toString();
    }

    /** The Latin letter a Cyrillic or Greek letter is mistaken for, or 0. */
    static char latin(char c) {
        return switch (c) {
            // Cyrillic lower case
            case 'а' -> 'a';
            case 'в' -> 'b';
            case 'е' -> 'e';
            case 'ё' -> 'e';
            case 'к' -> 'k';
            case 'м' -> 'm';
            case 'н' -> 'h';
            case 'о' -> 'o';
            case 'р' -> 'p';
            case 'с' -> 'c';
            case 'т' -> 't';
            case 'у' -> 'y';
            case 'х' -> 'x';
            case 'ѕ' -> 's';
            case 'і' -> 'i';
            case 'ї' -> 'i';
            case 'ј' -> 'j';
            case 'ԁ' -> 'd';
            case 'ԛ' -> 'q';
            case 'ԝ' -> 'w';
            case 'һ' -> 'h';
            case 'ӏ' -> 'l';
            case 'ո' -> 'n';
            case 'ս' -> 'u';
            // Cyrillic upper case
            case 'А' -> 'A';
            case 'В' -> 'B';
            case 'Е' -> 'E';
            case 'К' -> 'K';
            case 'М' -> 'M';
            case 'Н' -> 'H';
            case 'О' -> 'O';
            case 'Р' -> 'P';
            case 'С' -> 'C';
            case 'Т' -> 'T';
            case 'У' -> 'Y';
            case 'Х' -> 'X';
            case 'Ѕ' -> 'S';
            case 'І' -> 'I';
            case 'Ј' -> 'J';
            case 'Ԁ' -> 'D';
            case 'Ԛ' -> 'Q';
            case 'Ԝ' -> 'W';
            // Greek
            case 'α' -> 'a';
            case 'β' -> 'b';
            case 'ε' -> 'e';
            case 'ι' -> 'i';
            case 'κ' -> 'k';
            case 'ν' -> 'v';
            case 'ο' -> 'o';
            case 'ρ' -> 'p';
            case 'τ' -> 't';
            case 'υ' -> 'u';
            case 'χ' -> 'x';
            case 'γ' -> 'y';
            case 'Α' -> 'A';
            case 'Β' -> 'B';
            case 'Ε' -> 'E';
            case 'Ζ' -> 'Z';
            case 'Η' -> 'H';
            case 'Ι' -> 'I';
            case 'Κ' -> 'K';
            case 'Μ' -> 'M';
            case 'Ν' -> 'N';
            case 'Ο' -> 'O';
            case 'Ρ' -> 'P';
            case 'Τ' -> 'T';
            case 'Υ' -> 'Y';
            case 'Χ' -> 'X';
            default -> 0;
        };
    }
}
