package io.patinox.vectors;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import java.util.List;

/**
 * all-MiniLM-L6-v2 in-process: ONNX Runtime with the model shipped in its jar (no download, no model server),
 * 384-dimensional unit vectors. Loading it takes about a second and ~90 MB, so one instance serves the whole
 * class loader ({@link #shared()}), loaded on first use; a load that fails is tried again on the next call.
 * Embedding is thread-safe; {@link #embedAll} spreads a batch over the model's own worker threads.
 */
public final class MiniLmEmbedder implements Embedder {

    /** Dimensions of the vectors. */
    public static final int DIMENSION = 384;

    private static volatile MiniLmEmbedder shared;

    private final EmbeddingModel model;

    private MiniLmEmbedder() {
        this.model = new AllMiniLmL6V2EmbeddingModel();
    }

    /** The one instance, loading the model on the first call. */
    public static MiniLmEmbedder shared() {
        MiniLmEmbedder m = shared;
        if (m == null) {
            synchronized (MiniLmEmbedder.class) {
                if (shared == null) {
                    shared = new MiniLmEmbedder();
                }
                m = shared;
            }
        }
        return m;
    }

    @Override
    public int dimension() {
        return DIMENSION;
    }

    @Override
    public float[] embed(String text) {
        return unit(model.embed(text).content());
    }

    @Override
    public List<float[]> embedAll(List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<TextSegment> segments = texts.stream().map(TextSegment::from).toList();
        return model.embedAll(segments).content().stream().map(MiniLmEmbedder::unit).toList();
    }

    private static float[] unit(Embedding embedding) {
        embedding.normalize();
        return embedding.vector();
    }
}
