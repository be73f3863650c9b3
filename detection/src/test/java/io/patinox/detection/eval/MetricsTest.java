package io.patinox.detection.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void aucCountsPairsAndTiesHalf() {
        assertThat(Metrics.auc(new double[] { 0.9, 0.8 }, new double[] { 0.1, 0.2 })).isEqualTo(1.0);
        assertThat(Metrics.auc(new double[] { 0.1 }, new double[] { 0.9 })).isEqualTo(0.0);
        assertThat(Metrics.auc(new double[] { 0.5 }, new double[] { 0.5 })).isEqualTo(0.5);
        assertThat(Metrics.auc(new double[] { 0.3, 0.7 }, new double[] { 0.5, 0.1 })).isEqualTo(0.75);
    }

    @Test
    void thresholdForAFalsePositiveRateAllowsNoMoreThanThatShare() {
        double[] benign = new double[200];
        for (int i = 0; i < benign.length; i++) {
            benign[i] = i / 200.0;
        }
        double t = Metrics.thresholdForFpr(benign, 0.01);
        assertThat(Metrics.fprAt(benign, t)).isLessThanOrEqualTo(0.01).isEqualTo(2 / 200.0);
        assertThat(Metrics.fprAt(benign, Math.nextDown(Metrics.thresholdForFpr(benign, 0.0)))).isGreaterThan(0);
        assertThat(Metrics.fprAt(benign, Metrics.thresholdForFpr(benign, 0.0))).isZero();
        // Ties at the limit are all excluded rather than half-counted.
        double[] tied = { 0.9, 0.9, 0.9, 0.1 };
        assertThat(Metrics.fprAt(tied, Metrics.thresholdForFpr(tied, 0.5))).isZero();
    }

    @Test
    void recallAtFprUsesTheBestThresholdOnTheBenignScores() {
        double[] benign = { 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95 };
        double[] attacks = { 0.99, 0.96, 0.85, 0.2 };
        assertThat(Metrics.recallAtFpr(attacks, benign, 0.0)).isEqualTo(0.5);
        assertThat(Metrics.recallAtFpr(attacks, benign, 0.1)).isEqualTo(0.5);
        assertThat(Metrics.recallAtFpr(attacks, benign, 0.2)).isEqualTo(0.75);
        assertThat(Metrics.percentile(new double[] { 3, 1, 2, 4 }, 0.5)).isEqualTo(2);
        assertThat(Metrics.percentile(new double[] { 3, 1, 2, 4 }, 0.99)).isCloseTo(4, within(1e-9));
    }
}
