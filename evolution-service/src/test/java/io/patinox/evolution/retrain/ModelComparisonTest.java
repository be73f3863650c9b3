package io.patinox.evolution.retrain;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.evolution.retrain.ModelComparison.Figures;
import io.patinox.evolution.retrain.ModelComparison.Pair;
import org.junit.jupiter.api.Test;

/** Better means higher recall at a false-positive rate not higher, on the held-out split and the examples together. */
class ModelComparisonTest {

    private static ModelComparison on(double recall, double fpr, double newRecall, double newFpr) {
        Pair p = new Pair(new Figures(100, 300, recall, fpr, 0.9), new Figures(100, 300, newRecall, newFpr, 0.88));
        return new ModelComparison(p, p, p, newRecall);
    }

    @Test
    void higherRecallAtTheSameOrLowerFalsePositiveRateIsBetter() {
        assertThat(on(0.50, 0.010, 0.55, 0.010).better()).isTrue();
        assertThat(on(0.50, 0.010, 0.51, 0.005).verdict()).startsWith("the retrained model is better: recall 0.5000"
                + " -> 0.5100 at FPR 0.0100 -> 0.0050");
    }

    @Test
    void moreFalsePositivesOrNoMoreRecallIsNot() {
        assertThat(on(0.50, 0.010, 0.70, 0.013).better()).isFalse();
        assertThat(on(0.50, 0.010, 0.70, 0.013).verdict())
                .startsWith("the retrained model is not better (more false positives)");
        assertThat(on(0.50, 0.010, 0.50, 0.002).verdict())
                .startsWith("the retrained model is not better (recall not higher)");
    }

    @Test
    void theTableShowsEachSetAndBothThresholds() {
        assertThat(on(0.5, 0.01, 0.55, 0.01).table()).contains("| held-out split | 100 / 300 | 0.5000 / 0.0100 |"
                + " 0.5500 / 0.0100 |").contains("in force 0.9000, retrained 0.8800");
    }
}
