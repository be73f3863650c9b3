package io.patinox.analyzer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.patinox.analyzer.service.FailureClusters;
import io.patinox.analyzer.service.FailureText;
import io.patinox.contracts.events.FailureCluster;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The clustering rule and the text redaction, without models or storage. */
class FailureClustersTest {

    private static float[] unit(float... v) {
        double n = 0;
        for (float x : v) {
            n += x * x;
        }
        float[] u = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            u[i] = (float) (v[i] / Math.sqrt(n));
        }
        return u;
    }

    @Test
    void groupsSimilarVectorsAndSeparatesOthers() {
        var clusters = new FailureClusters(0.8, 2, Duration.ofHours(1));
        long now = 10_000_000L;
        String a1 = clusters.add("g", "a1", unit(1, 0.1f, 0), now - 1_000);
        String a2 = clusters.add("g", "a2", unit(1, 0, 0.1f), now - 2_000);
        String a3 = clusters.add("g", "a3", unit(0.9f, 0.1f, 0.1f), now - 4_000_000);
        String b1 = clusters.add("g", "b1", unit(0, 0, 1), now - 500);
        String other = clusters.add("h", "a1", unit(1, 0.1f, 0), now);

        assertThat(a2).isEqualTo(a1);
        assertThat(a3).isEqualTo(a1);
        assertThat(b1).isNotEqualTo(a1);
        assertThat(other).as("groups never share clusters").isNotEqualTo(a1);
        List<FailureCluster> g = clusters.clusters("g", now);
        assertThat(g).extracting(FailureCluster::size).containsExactly(3L, 1L);
        assertThat(g.get(0).exemplars()).containsExactly("a1", "a2");
        // Two in the last hour, one in the hour before.
        assertThat(g.get(0).trend()).isEqualTo(1.0);

        var rebuilt = new FailureClusters(0.8, 2, Duration.ofHours(1));
        assertThat(rebuilt.add("g", "a1", unit(1, 0.1f, 0), now)).as("ids are stable across a rebuild").isEqualTo(a1);
    }

    @Test
    void keepsTheTrendInBoundedMemory() {
        var clusters = new FailureClusters(0.5, 3, Duration.ofHours(1));
        long start = 1_000_000_000L;
        long step = 10_000;
        int members = 10 * 360 * 6;
        // One failure every 10 s for ten hours, all alike: one cluster of 21,600 members.
        for (int i = 0; i < members; i++) {
            clusters.add("g", "timeout " + (i % 5), unit(1, 0, 0), start + i * step);
        }
        long now = start + (long) members * step;
        List<FailureCluster> g = clusters.clusters("g", now);
        assertThat(g).singleElement().extracting(FailureCluster::size).isEqualTo((long) members);
        assertThat(clusters.maxTrendBuckets("g")).as("two trend windows of one-minute buckets, not one per member")
                .isLessThanOrEqualTo(2 * 60 + 2);
        // A steady rate: as many in the last hour as in the hour before, within one bucket (a minute: 6 members).
        double steady = g.get(0).trend();
        assertThat(steady).isCloseTo(0.0, within(6.0));
        // Then a burst of 100 in the last minute.
        for (int i = 0; i < 100; i++) {
            clusters.add("g", "timeout", unit(1, 0, 0), now - 30_000);
        }
        assertThat(clusters.clusters("g", now).get(0).trend()).isEqualTo(steady + 100);
    }

    @Test
    void masksContactDataInExemplars() {
        assertThat(FailureText.redact("mail bob.smith@example.com card 4111 1111 1111 1111 ok"))
                .isEqualTo("mail [email] card [number] ok");
    }
}
