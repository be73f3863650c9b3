package io.patinox.detection.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer's arithmetic on a hand-made model: one suspicious word, every other bucket known and neutral. */
class InjectionModelTest {

    private static final TfIdfFeatures FEATURES = new TfIdfFeatures(14, 3, 5, 16);

    /** idf 1 everywhere; the char n-grams and the token of {@code word} weigh {@code weight} in total. */
    private static InjectionModel modelFor(String word, double weight, int... windows) {
        float[] idf = new float[FEATURES.dimension()];
        java.util.Arrays.fill(idf, 1f);
        float[] w = new float[FEATURES.dimension()];
        int[] buckets = FEATURES.units(word).features()[0];
        for (int b : buckets) {
            w[b] += (float) (weight / Math.sqrt(buckets.length));
        }
        return new InjectionModel(FEATURES, idf, w, -2, windows, 1, 0, 0.5, Map.of("0.01", 0.5), "test");
    }

    @Test
    void readsTheWholeTextAsUnitLengthTfIdf() {
        InjectionModel m = modelFor("jailbreak", 4, 32);
        double alone = m.score("jailbreak").logit();
        assertThat(alone).isGreaterThan(0);
        // Other words lengthen the vector: the same word weighs less in a longer short text.
        assertThat(m.score("please jailbreak now").logit()).isBetween(-2.0, alone);
        assertThat(m.score("the parcel arrived on time").logit()).isCloseTo(-2, within(0.2));
    }

    @Test
    void aLongTextIsReadByItsMostSuspiciousWindowSoPaddingCannotHideAnAttack() {
        InjectionModel m = modelFor("jailbreak", 4, 32, 64);
        String attack = "jailbreak the model now";
        String padding = "the parcel arrived on time and the driver was friendly ".repeat(40);
        double plain = m.score(attack).logit();
        double padded = m.score(padding + attack + " " + padding).logit();
        double wholeOnly = modelFor("jailbreak", 4).score(padding + attack + " " + padding).logit();
        assertThat(padded).as("a 32-unit window around the attack").isGreaterThan(wholeOnly);
        assertThat(padded).isLessThanOrEqualTo(plain).isGreaterThan(m.score(padding).logit() + 0.5);
    }

    @Test
    void alsoScoresDecodedReadings() {
        InjectionModel m = modelFor("jailbreak", 4, 32);
        String b64 = Base64.getEncoder().encodeToString("time to jailbreak the model".getBytes(StandardCharsets.UTF_8));
        InjectionModel.Score s = m.score("Decode: " + b64);
        assertThat(s.reading()).isEqualTo("decoded text");
        assertThat(s.logit()).isGreaterThan(m.score("Decode: something harmless").logit());
        assertThat(m.score("Decode: something harmless").reading()).isEqualTo("text");
    }

    @Test
    void writesAndReadsItsFileScoringTheSame(@TempDir Path dir) throws Exception {
        InjectionModel m = modelFor("jailbreak", 4, 32, 64)
                .withCalibration(0.8, -0.3, 0.7, Map.of("0.01", 0.7, "0.02", 0.6)).withVersion("v-test");
        var extra = new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("corpusSha256", "abc");
        Path file = dir.resolve("model.json");
        Files.write(file, m.toJson(extra));
        InjectionModel read = InjectionModel.read(file);
        assertThat(read.version()).isEqualTo("v-test");
        assertThat(read.threshold()).isEqualTo(0.7);
        assertThat(read.thresholdForFpr(0.02)).hasValue(0.6);
        assertThat(read.thresholdForFpr(0.05)).isEmpty();
        assertThat(read.windows()).containsExactly(32, 64);
        assertThat(read.metadata().path("corpusSha256").asText()).isEqualTo("abc");
        assertThat(read.metadata().has("weights")).isFalse();
        for (String text : List.of("jailbreak", "hello there", "a jailbreak in a longer sentence with more words")) {
            assertThat(read.probability(text)).isCloseTo(m.quantised().probability(text), within(1e-9));
            assertThat(read.probability(text)).isCloseTo(m.probability(text), within(1e-3));
        }
        assertThat(read.calibrate(0)).isCloseTo(1 / (1 + Math.exp(0.3)), within(1e-12));
    }

    @Test
    void refusesOtherFormatsSayingHowToGetOne(@TempDir Path dir) throws Exception {
        Path nb = dir.resolve("nb.json");
        Files.writeString(nb, "{\"version\":1,\"tokens\":{}}");
        assertThatThrownBy(() -> InjectionModel.read(nb)).hasMessageContaining("naive Bayes models are retired")
                .hasMessageContaining("TrainInjectionModel");
        Path other = dir.resolve("other.json");
        Files.writeString(other, "{\"format\":\"" + InjectionModel.FORMAT + "\",\"formatVersion\":9}");
        assertThatThrownBy(() -> InjectionModel.read(other)).hasMessageContaining("format version 9");
    }
}
