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

    private final List<byte[]> keys;

    public ApiKeys(List<String> keys) {
        this.keys = keys.stream().map(String::strip).filter(k -> !k.isEmpty())
                .map(k -> k.getBytes(StandardCharsets.UTF_8)).toList();
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
        byte[] candidate = presented.getBytes(StandardCharsets.UTF_8);
        boolean match = false;
        for (byte[] key : keys) {
            match |= MessageDigest.isEqual(key, candidate); // no early exit: same time whichever key matches
        }
        return match;
    }
}
