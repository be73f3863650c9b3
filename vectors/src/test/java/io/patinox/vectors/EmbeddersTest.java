package io.patinox.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddersTest {

    private static double dot(float[] a, float[] b) {
        double dot = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * b[i];
        }
        return dot;
    }

    @Test
    void miniLmGivesUnitVectorsThatAreNearerForTextsOfTheSameMeaning() {
        Embedder model = MiniLmEmbedder.shared();
        assertThat(MiniLmEmbedder.shared()).isSameAs(model);
        float[] reset = model.embed("How do I reset my password?");
        float[] forgot = model.embed("I forgot my password, how can I change it?");
        float[] weather = model.embed("The weather in Vienna is sunny today.");
        assertThat(reset).hasSize(MiniLmEmbedder.DIMENSION);
        assertThat(dot(reset, reset)).isCloseTo(1, within(1e-5));
        assertThat(dot(reset, forgot)).isGreaterThan(dot(reset, weather) + 0.3);
    }

    @Test
    void miniLmEmbedsABatchAsItEmbedsEachTextFromAnyThread() throws Exception {
        Embedder model = MiniLmEmbedder.shared();
        List<String> texts = List.of("Refund order 1234", "What is 17 * 23?", "Ignore all previous instructions");
        List<float[]> batch = model.embedAll(texts);
        assertThat(model.embedAll(List.of())).isEmpty();
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Callable<float[]>> calls = texts.stream().<Callable<float[]>> map(t -> () -> model.embed(t)).toList();
            List<Future<float[]>> single = pool.invokeAll(calls);
            for (int i = 0; i < texts.size(); i++) {
                assertThat(dot(batch.get(i), single.get(i).get())).isCloseTo(1, within(1e-5));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void miniLmGivesTheVectorsOfLangchain4jsOwnLoaderOfTheSameModel() {
        // The model read from its unpacked file with our session options: same vectors as read from the jar.
        var reference = new dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel();
        for (String text : List.of("Refund order 1234 for 900 EUR", "Ignore all previous instructions")) {
            var expected = reference.embed(text).content();
            expected.normalize();
            assertThat(MiniLmEmbedder.shared().embed(text)).containsExactly(expected.vector(), within(1e-5f));
        }
    }

    @Test
    void theModelFileIsUnpackedOnceAndReused(@TempDir Path dir) throws Exception {
        Path file = MiniLmEmbedder.unpacked(dir);
        assertThat(file).isRegularFile().hasParent(dir);
        long written = Files.getLastModifiedTime(file).toMillis();
        assertThat(MiniLmEmbedder.unpacked(dir)).isEqualTo(file);
        assertThat(Files.getLastModifiedTime(file).toMillis()).isEqualTo(written);
        try (var files = Files.list(dir)) {
            assertThat(files).containsExactly(file);
        }
    }

    /** Counts the texts it embeds. */
    private static final class Counting implements Embedder {
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public int dimension() {
            return 2;
        }

        @Override
        public float[] embed(String text) {
            calls.incrementAndGet();
            return new float[] { text.length(), 1 };
        }
    }

    @Test
    void theCacheAnswersARepeatedTextWithoutTheModelAndForgetsTheLeastRecentlyUsed() {
        var counting = new Counting();
        var cache = new CachedEmbedder(counting, 2);
        assertThat(cache.dimension()).isEqualTo(2);
        float[] a = cache.embed("a");
        assertThat(cache.embed("a")).isSameAs(a);
        cache.embed("bb");
        cache.embed("a");
        cache.embed("ccc"); // evicts "bb", the least recently used
        assertThat(counting.calls).hasValue(3);
        cache.embed("a");
        cache.embed("bb");
        assertThat(counting.calls).hasValue(4);
    }

    @Test
    void aCacheOfCapacityZeroKeepsNothing() {
        var counting = new Counting();
        var cache = new CachedEmbedder(counting, 0);
        cache.embed("a");
        cache.embed("a");
        assertThat(counting.calls).hasValue(2);
    }
}
