package io.patinox.executor.rest;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * The API-key check of the front door, without HTTP: which credential a request carries and whether it
 * is one of the configured keys. Keys are compared in constant time.
 */
public final class ApiKeys {

    /** Header carrying the key as is. */
    public static final String HEADER = "X-API-Key";

    /** A configured key, its bytes and its {@link #id}, hashed once. */
    private record Key(String key, byte[] bytes, String id) {
    }

    private final List<Key> keys;
    private final java.util.Map<String, String> byId = new java.util.HashMap<>();

    public ApiKeys(List<String> keys) {
        this.keys = keys.stream().map(String::strip).filter(k -> !k.isEmpty())
                .map(k -> new Key(k, k.getBytes(StandardCharsets.UTF_8), id(k))).toList();
        this.keys.forEach(k -> byId.put(k.id(), k.key()));
    }

    /**
     * The name of {@code key} in metrics, logs, quotas and on tasks: {@code key-} and the first 12 hex digits of its
     * SHA-256 ({@code printf %s "$KEY" | sha256sum | cut -c1-12}). It does not give the key away.
     */
    public static String id(String key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return "key-" + java.util.HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The configured key whose {@link #id} is {@code id}. */
    public Optional<String> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The ids of every configured key. */
    public java.util.Set<String> ids() {
        return java.util.Set.copyOf(byId.keySet());
    }

    /** True when no usable key is configured: every request is then refused. */
    public boolean none() {
        return keys.isEmpty();
    }

    /** The key from {@code X-API-Key}, else from {@code Authorization: Bearer <key>}. */
    public static Optional<String> presented(String apiKeyHeader, String authorization) {
        if (apiKeyHeader != null && !apiKeyHeader.isBlank()) {
            return Optional.of(apiKeyHeader.strip());
        }
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String token = authorization.substring(7).strip();
            return token.isEmpty() ? Optional.empty() : Optional.of(token);
        }
        return Optional.empty();
    }

    /** Whether {@code presented} is one of the keys. */
    public boolean accepts(String presented) {
        return idOf(presented).isPresent();
    }

    /**
     * The {@link #id} of {@code presented} when it is one of the keys, without hashing it again: what the door's
     * throttle asks on every request.
     */
    public Optional<String> idOf(String presented) {
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        String match = null;
        for (Key key : keys) {
            if (MessageDigest.isEqual(key.bytes(), candidate)) { // no early exit: same time whichever key matches
                match = key.id();
            }
        }
        return Optional.ofNullable(match);
    }
}
