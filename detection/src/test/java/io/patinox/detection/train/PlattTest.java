package io.patinox.detection.train;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PlattTest {

    @Test
    void recoversTheSlopeAndInterceptOfLogisticData() {
        Random random = new Random(7);
        int n = 20_000;
        double[] s = new double[n];
        boolean[] y = new boolean[n];
        for (int i = 0; i < n; i++) {
            s[i] = random.nextGaussian() * 40 + 10; // raw scores on a large scale
            double p = 1 / (1 + Math.exp(-(0.05 * s[i] - 1)));
            y[i] = random.nextDouble() < p;
        }
        double[] ab = Platt.fit(s, y);
        assertThat(ab[0]).isBetween(0.045, 0.055);
        assertThat(ab[1]).isBetween(-1.15, -0.85);
    }

    @Test
    void staysFiniteWhenTheClassesSeparate() {
        double[] s = { -300, -200, -100, 100, 200, 300 };
        boolean[] y = { false, false, false, true, true, true };
        double[] ab = Platt.fit(s, y);
        assertThat(ab[0]).isPositive().isFinite();
        assertThat(ab[1]).isFinite();
        double p = 1 / (1 + Math.exp(-(ab[0] * 100 + ab[1])));
        assertThat(p).isGreaterThan(0.5).isLessThan(1.0);
    }
}
