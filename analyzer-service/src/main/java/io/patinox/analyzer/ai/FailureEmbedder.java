package io.patinox.analyzer.ai;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Embeds failure texts in-process with all-MiniLM-L6-v2 (384 dimensions, ONNX, shipped in its jar: no download,
 * no model server). The model loads on first use.
 */
@ApplicationScoped
public class FailureEmbedder {

    /** Dimensions of the vectors. */
    public static final int DIMENSION = 384;

    private volatile EmbeddingModel model;

    /** The unit vectors of several texts, in order. */
    public java.util.List<float[]> embedAll(java.util.List<String> texts) {
        var segments = texts.stream().map(dev.langchain4j.data.segment.TextSegment::from).toList();
        return model().embedAll(segments).content().stream().map(e -> {
            e.normalize();
            return e.vector();
        }).toList();
    }

    /** Loads the model now rather than on the first failure (~1 s), off the caller's thread. */
    void warmUp(@jakarta.enterprise.event.Observes io.quarkus.runtime.StartupEvent event) {
        Thread warm = new Thread(() -> embed("warm up"), "failure-embedder-warm-up");
        warm.setDaemon(true);
        warm.start();
    }

    /** The unit vector of a text. */
    public float[] embed(String text) {
        Embedding embedding = model().embed(text).content();
        embedding.normalize();
        return embedding.vector();
    }

    private EmbeddingModel model() {
        EmbeddingModel m = model;
        if (m == null) {
            synchronized (this) {
                if (model == null) {
                    model = new AllMiniLmL6V2EmbeddingModel();
                }
                m = model;
            }
        }
        return m;
    }
}
