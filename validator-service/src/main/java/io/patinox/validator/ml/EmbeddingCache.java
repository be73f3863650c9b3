package io.patinox.validator.ml;

import dev.langchain4j.model.embedding.EmbeddingModel;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Embeddings of recent texts, keyed by the SHA-256 of the text (the texts themselves are not kept). The same
 * text comes back often: a run's newest tool output is read again at every step until another tool runs, and
 * agents see the same task inputs. An embedding takes milliseconds of CPU, a lookup microseconds. Bounded
 * (least recently used entries go); thread-safe; a hit returns the same vector the model gave (read-only).
 */
final class EmbeddingCache {

    private record Key(long high, long low) {
    }

    private final EmbeddingModel model;
    private final Map<Key, float[]> entries;

    EmbeddingCache(EmbeddingModel model, int capacity) {
        this.model = model;
        this.entries = new LinkedHashMap<>(capacity * 2, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    /** The embedding of {@code text}, from the cache or the model. Do not modify the array. */
    float[] vector(String text) {
        Key key = key(text);
        float[] cached;
        synchronized (entries) {
            cached = entries.get(key);
        }
        if (cached != null) {
            return cached;
        }
        float[] vector = model.embed(text).content().vector();
        synchronized (entries) {
            entries.put(key, vector);
        }
        return vector;
    }

    private static Key key(String text) {
        try {
            ByteBuffer digest = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
            return new Key(digest.getLong(), digest.getLong());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
