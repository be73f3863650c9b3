package io.patinox.detection.train;

import java.util.Random;

/**
 * Pronounceable words that are in no language ("dobrelu", "kestavin"): the padding that used to push attacks under
 * a word model's threshold. The trainer pads copies of its examples with them so that such words carry no weight
 * either way; the robustness check pads held-out attacks with them.
 */
public final class MadeUpWords {

    private static final String CONSONANTS = "bcdfghjklmnprstvwz";
    private static final String VOWELS = "aeiou";

    private final Random random;

    public MadeUpWords(long seed) {
        this.random = new Random(seed);
    }

    /** One word of two to four syllables. */
    public String word() {
        StringBuilder w = new StringBuilder();
        int syllables = 2 + random.nextInt(3);
        for (int i = 0; i < syllables; i++) {
            w.append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())));
            w.append(VOWELS.charAt(random.nextInt(VOWELS.length())));
            if (random.nextInt(4) == 0) {
                w.append(CONSONANTS.charAt(random.nextInt(CONSONANTS.length())));
            }
        }
        return w.toString();
    }

    /** {@code n} words separated by spaces. */
    public String words(int n) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(word());
        }
        return out.toString();
    }
}
