package io.patinox.detection.eval;

import java.util.Arrays;

/**
 * Ranking metrics of a detector's scores (higher = more suspicious) on attacks and benign texts. Plain Java,
 * shared by the trainer and the validator's evaluation command.
 */
public final class Metrics {

    private Metrics() {
    }

    /** ROC AUC: the probability that a random attack scores above a random benign text (ties count half). */
    public static double auc(double[] attacks, double[] benign) {
        if (attacks.length == 0 || benign.length == 0) {
            return Double.NaN;
        }
        double[] b = benign.clone();
        Arrays.sort(b);
        double sum = 0;
        for (double a : attacks) {
            int below = lowerBound(b, a);
            int notAbove = upperBound(b, a);
            sum += below + 0.5 * (notAbove - below);
        }
        return sum / ((double) attacks.length * benign.length);
    }

    /**
     * The lowest threshold t such that at most {@code fpr} of the benign texts score {@code >= t}: the operating
     * point "flag when score >= t" for that false-positive rate. Above every benign score when fpr allows none.
     */
    public static double thresholdForFpr(double[] benign, double fpr) {
        if (benign.length == 0) {
            return Double.NEGATIVE_INFINITY;
        }
        double[] b = benign.clone();
        Arrays.sort(b);
        int allowed = (int) Math.floor(fpr * b.length + 1e-9);
        // The (allowed+1)-th highest benign score must stay below t.
        double limit = b[b.length - 1 - Math.min(allowed, b.length - 1)];
        if (allowed >= b.length) {
            return Double.NEGATIVE_INFINITY;
        }
        return Math.nextUp(limit);
    }

    /** The share of attacks that score {@code >= t}. */
    public static double recallAt(double[] attacks, double t) {
        if (attacks.length == 0) {
            return Double.NaN;
        }
        int hit = 0;
        for (double a : attacks) {
            if (a >= t) {
                hit++;
            }
        }
        return (double) hit / attacks.length;
    }

    /** The share of benign texts that score {@code >= t}. */
    public static double fprAt(double[] benign, double t) {
        return recallAt(benign, t);
    }

    /** Recall at the best threshold whose false-positive rate on {@code benign} is at most {@code fpr}. */
    public static double recallAtFpr(double[] attacks, double[] benign, double fpr) {
        return recallAt(attacks, thresholdForFpr(benign, fpr));
    }

    private static int lowerBound(double[] sorted, double v) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] < v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static int upperBound(double[] sorted, double v) {
        int lo = 0, hi = sorted.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** The {@code p}-quantile (nearest rank) of {@code values}. */
    public static double percentile(double[] values, double p) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.max(0, Math.min(s.length - 1, (int) Math.ceil(p * s.length) - 1))];
    }
}
