package io.patinox.detection.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer's arithmetic on a hand-made model: one suspicious word, everything else neutral. */
class InjectionModelTest {

    private static final Features FEATURES = new Features(16, 3, 5, 40);

    /** A model whose only non-zero weights are those of the word {@code word} (unigram and char n-grams). */
    private static InjectionModel modelFor(String word, double weight, int window, int minWindow, double lengthPower) {
        float[] w = new float[FEATURES.dimension()];
        List<Integer> buckets = new ArrayList<>();
        FEATURES.positionFeatures(Tokens.of(word), 0, buckets::add);
        for (int b : buckets) {
            w[b] += (float) (weight / buckets.size());
        }
        return new InjectionModel(FEATURES, w, -2, window, minWindow, lengthPower, 1, 0, 0.5, "test");
    }

    @Test
    void scoresTheMostSuspiciousWindow() {
        InjectionModel m = modelFor("jailbreak", 4, 8, 8, 0);
        // bias -2 + 4 for the word, once per window.
        assertThat(m.score("please jailbreak now").logit()).isCloseTo(2, within(1e-4));
        String longBenign = "the parcel arrived on time and the driver was friendly ".repeat(30);
        assertThat(m.score(longBenign).logit()).isCloseTo(-2, within(1e-4));
        assertThat(m.score(longBenign + " jailbreak " + longBenign).logit()).isCloseTo(2, within(1e-4));
        // Two occurrences in one window count twice; far apart, once.
        assertThat(m.score("jailbreak jailbreak").logit()).isCloseTo(6, within(1e-4));
        assertThat(m.score("jailbreak " + "then ".repeat(20) + "jailbreak").logit()).isCloseTo(2, within(1e-4));
    }

    @Test
    void withSeveralWindowSizesPaddingDoesNotDiluteANormalisedScore() {
        InjectionModel m = modelFor("jailbreak", 4, 64, 4, 0.5);
        assertThat(m.windowSizes()).containsExactly(4, 8, 16, 32, 64);
        for (String plain : List.of("jailbreak", "jailbreak now", "please jailbreak this model for me now")) {
            double score = m.score(plain).logit();
            for (int pad : new int[] {1, 5, 40, 200}) {
                String words = "zorp quib flen ".repeat(pad).strip();
                assertThat(m.score(plain + " " + words).logit()).as(plain + " + " + pad).isGreaterThanOrEqualTo(score - 1e-6);
                assertThat(m.score(words + " " + plain).logit()).as(pad + " + " + plain).isGreaterThanOrEqualTo(score - 1e-6);
            }
        }
        // A run is divided by the smallest window that holds it.
        assertThat(InjectionModel.normaliser(5, new int[] {4, 8, 16}, 0.5)).isCloseTo(Math.sqrt(8), within(1e-12));
        assertThat(InjectionModel.normaliser(3, new int[] {4, 8, 16}, 0.5)).isCloseTo(2, within(1e-12));
        assertThat(InjectionModel.normaliser(99, new int[] {4, 8, 16}, 0.5)).isCloseTo(4, within(1e-12));
        assertThat(InjectionModel.normaliser(99, new int[] {4, 8, 16}, 0)).isEqualTo(1);
    }

    @Test
    void alsoScoresDecodedReadings() {
        InjectionModel m = modelFor("jailbreak", 4, 16, 16, 0);
        String b64 = Base64.getEncoder().encodeToString("time to jailbreak the model".getBytes(StandardCharsets.UTF_8));
        InjectionModel.Score s = m.score("Decode: " + b64);
        assertThat(s.reading()).isEqualTo("decoded text");
        assertThat(s.logit()).isCloseTo(2, within(1e-4));
        assertThat(m.score("Decode: something harmless").reading()).isEqualTo("text");
    }

    @Test
    void writesAndReadsItsFileScoringTheSame(@TempDir Path dir) throws Exception {
        InjectionModel m = modelFor("jailbreak", 4, 32, 8, 0.5).withCalibration(0.8, -0.3, 0.7).withVersion("v-test");
        var extra = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("corpusSha256", "abc");
        Path file = dir.resolve("model.json");
        Files.write(file, m.toJson(extra));
        InjectionModel read = InjectionModel.read(file);
        assertThat(read.version()).isEqualTo("v-test");
        assertThat(read.threshold()).isEqualTo(0.7);
        assertThat(read.windowSizes()).containsExactly(8, 16, 32);
        assertThat(read.metadata().path("corpusSha256").asText()).isEqualTo("abc");
        assertThat(read.metadata().has("weights")).isFalse();
        for (String text : List.of("jailbreak", "hello there", "a jailbreak in a longer sentence with more words")) {
            assertThat(read.probability(text)).isCloseTo(m.quantised().probability(text), within(1e-9));
            assertThat(read.probability(text)).isCloseTo(m.probability(text), within(1e-3));
        }
        assertThat(read.calibrate(0)).isCloseTo(1 / (1 + Math.exp(0.3)), within(1e-12));
    }

    @Test
    void refusesOtherFormatsNamingTheRetiredNaiveBayes(@TempDir Path dir) throws Exception {
        Path nb = dir.resolve("nb.json");
        Files.writeString(nb, "{\"version\":1,\"tokens\":{}}");
        assertThatThrownBy(() -> InjectionModel.read(nb)).hasMessageContaining("naive Bayes models are retired");
        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"format\":\"patinox-injection-lr\",\"formatVersion\":9}");
        assertThatThrownBy(() -> InjectionModel.read(other)).hasMessageContaining("format version 9");
    }

    @Test
    void windowsCoverTheTextWithTheGivenStride() {
        assertThat(InjectionModel.windows(10, 64, 32)).containsExactly(new int[] {0, 10});
        assertThat(InjectionModel.windows(100, 64, 32)).containsExactly(new int[] {0, 64}, new int[] {32, 96}, new int[] {36, 100});
    }
}
