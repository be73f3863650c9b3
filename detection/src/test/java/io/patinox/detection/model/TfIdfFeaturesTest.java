package io.patinox.detection.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

class TfIdfFeaturesTest {

    private static final TfIdfFeatures F = new TfIdfFeatures(16, 3, 5, 16);

    @Test
    void cutsTextIntoWordsAndLongRunsIntoChunks() {
        assertThat(F.units("ignore all previous instructions").size()).isEqualTo(4);
        // 40 characters without a space (Chinese, say) make three units of at most 16.
        assertThat(F.units("忽".repeat(40)).size()).isEqualTo(3);
        assertThat(F.units("   ").size()).isZero();
    }

    @Test
    void aWordHasItsCharacterGramsAndItsTokenAndTheBigramJoiningItToTheWordBefore() {
        var units = F.units("ignore previous");
        int[] second = units.features()[1];
        // " previous " has 8 + 7 + 6 char 3..5-grams; one token; one bigram ("ignore previous").
        assertThat(second).hasSize(21 + 1 + 1);
        assertThat(Arrays.stream(second).filter(b -> b >= F.blockSize()).count()).isEqualTo(2);
        assertThat(units.link()[0]).isEqualTo(-1);
        assertThat(units.link()[1]).isGreaterThanOrEqualTo(F.blockSize());
        // A window that starts at the second word leaves the bigram out.
        assertThat(contains(second, units.link()[1])).isTrue();
    }

    @Test
    void theSameTextGivesTheSameBucketsAndPunctuationIsAToken() {
        assertThat(F.units("hello, world").features()[0]).containsExactly(F.units("hello, world").features()[0]);
        // "hello," = token "hello" and token ","; plus their bigram.
        long wordBlock = Arrays.stream(F.units("hello,").features()[0]).filter(b -> b >= F.blockSize()).count();
        assertThat(wordBlock).isEqualTo(3);
    }

    private static boolean contains(int[] a, int v) {
        return Arrays.stream(a).anyMatch(x -> x == v);
    }
}
