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
