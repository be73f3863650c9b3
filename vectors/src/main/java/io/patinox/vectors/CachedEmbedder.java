package io.patinox.vectors;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Embeddings of recent texts, keyed by the SHA-256 of the text (the texts themselves are not kept), in front of
 * another {@link Embedder}. Worth it where the same text comes back often: an embedding takes milliseconds of
 * CPU, a lookup microseconds. Bounded (the least recently used entries go; capacity 0 keeps nothing); thread-safe;
 * a hit returns the same array the embedder gave, so callers must not modify it.
 */
public final class CachedEmbedder implements Embedder {

    private record Key(long high, long low) {
    }

    private final Embedder embedder;
    private final Map<Key, float[]> entries;

    public CachedEmbedder(Embedder embedder, int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity must be >= 0 but was " + capacity);
        }
        this.embedder = embedder;
        this.entries = new LinkedHashMap<>(Math.max(16, capacity * 2), 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Key, float[]> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public int dimension() {
        return embedder.dimension();
    }

    /** The embedding of {@code text}, from the cache or the embedder. Do not modify the array. */
    @Override
    public float[] embed(String text) {
        Key key = key(text);
        float[] cached;
        synchronized (entries) {
            cached = entries.get(key);
        }
        if (cached != null) {
            return cached;
        }
        float[] vector = embedder.embed(text);
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
