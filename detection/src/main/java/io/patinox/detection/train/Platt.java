package io.patinox.detection.train;

/**
 * Platt scaling: P(attack | s) = 1 / (1 + exp(-(a s + b))), fitted to held-out scores by Newton's method with a
 * backtracking line search on the log-loss, with Platt's smoothed targets ((n+ + 1) / (n+ + 2) and 1 / (n- + 2))
 * that keep the fit finite when the classes separate. Scores are standardised for the fit and the result mapped
 * back, so their scale does not matter.
 */
public final class Platt {

    private Platt() {
    }

    /** {a, b} for scores {@code s} with labels {@code y}. */
    public static double[] fit(double[] s, boolean[] y) {
        int n = s.length;
        int pos = 0;
        double mean = 0;
        for (int i = 0; i < n; i++) {
            pos += y[i] ? 1 : 0;
            mean += s[i];
        }
        mean /= Math.max(1, n);
        double var = 0;
        for (double v : s) {
            var += (v - mean) * (v - mean);
        }
        double sd = Math.sqrt(var / Math.max(1, n));
        if (sd == 0) {
            sd = 1;
        }
        double[] x = new double[n];
        double[] t = new double[n];
        double hi = (pos + 1.0) / (pos + 2.0);
        double lo = 1.0 / (n - pos + 2.0);
        for (int i = 0; i < n; i++) {
            x[i] = (s[i] - mean) / sd;
            t[i] = y[i] ? hi : lo;
        }
        double a = 1, b = 0;
        double loss = loss(x, t, a, b);
        for (int iter = 0; iter < 200; iter++) {
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            for (int i = 0; i < n; i++) {
                double p = sigmoid(a * x[i] + b);
                double d = p - t[i];
                double w = p * (1 - p);
                ga += d * x[i];
                gb += d;
                haa += w * x[i] * x[i];
                hab += w * x[i];
                hbb += w;
            }
            double det = haa * hbb - hab * hab;
            double da, db;
            if (det > 1e-12) {
                da = (hbb * ga - hab * gb) / det;
                db = (haa * gb - hab * ga) / det;
            } else {
                da = ga;
                db = gb;
            }
            double step = 1;
            double next = loss(x, t, a - da, b - db);
            while (next > loss && step > 1e-10) {
                step /= 2;
                next = loss(x, t, a - step * da, b - step * db);
            }
            if (next > loss) {
                break;
            }
            a -= step * da;
            b -= step * db;
            boolean done = loss - next < 1e-12;
            loss = next;
            if (done) {
                break;
            }
        }
        return new double[] { a / sd, b - a * mean / sd };
    }

    private static double loss(double[] x, double[] t, double a, double b) {
        double l = 0;
        for (int i = 0; i < x.length; i++) {
            double z = a * x[i] + b;
            // -[t log p + (1-t) log(1-p)] with p = sigmoid(z), computed stably.
            l += Math.max(z, 0) - t[i] * z + Math.log1p(Math.exp(-Math.abs(z)));
        }
        return l;
    }

    private static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }
}
