package io.patinox.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MemoryIndexTest {

    record Point(String id, float[] vector) {
        static VectorSchema<Point> schema(int dimension) {
            return new VectorSchema<>(dimension, List.of(Column.text("id", Point::id)), Point::vector,
                    row -> new Point(row.text("id"), row.vector()));
        }
    }

    private static float[] random(Random random, int dimension) {
        float[] v = new float[dimension];
        for (int d = 0; d < dimension; d++) {
            v[d] = (float) random.nextGaussian();
        }
        return v;
    }

    @Test
    void findsWhatLancesCosineSearchFinds(@TempDir Path dir) {
        int dimension = 16;
        Random random = new Random(42);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            points.add(new Point("p" + i, random(random, dimension)));
        }
        try (var store = new VectorStore<>(dir.resolve("points.lance"), Point.schema(dimension))) {
            store.append(points);
            var index = MemoryIndex.of(dimension, store.all(), Point::vector);
            assertThat(index.size()).isEqualTo(300);
            for (int q = 0; q < 20; q++) {
                float[] query = random(random, dimension);
                var memory = index.nearest(query).orElseThrow();
                var lance = store.nearest(query, 1).get(0);
                assertThat(memory.row().id()).isEqualTo(lance.row().id());
                assertThat(memory.similarity()).isCloseTo(lance.similarity(), within(1e-4));
            }
        }
    }

    @Test
    void anEmptyIndexFindsNothingAndAZeroVectorIsSimilarToNothing() {
        assertThat(MemoryIndex.of(2, List.<Point> of(), Point::vector).nearest(new float[] { 1, 0 })).isEmpty();
        var index = MemoryIndex.of(2, List.of(new Point("zero", new float[] { 0, 0 })), Point::vector);
        assertThat(index.nearest(new float[] { 1, 0 }).orElseThrow().similarity()).isZero();
    }
}
