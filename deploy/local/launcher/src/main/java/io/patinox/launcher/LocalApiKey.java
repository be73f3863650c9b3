package io.patinox.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The API key of the local mesh's REST front door: generated once, kept in {@code .patinox/api-key}
 * (owner-only), handed to the executor as {@code patinox.executor.api-keys} by {@code ./patinox up}.
 * The executor requires a key outside dev mode, so the local mesh runs with authentication on too. A second key,
 * {@code .patinox/bench-api-key}, is the flooding caller of {@code ./patinox bench door}, with a quota of
 * {@value #BENCH_RATE} requests per second.
 */
final class LocalApiKey {

    /** The file of the bench's own key, in {@code .patinox/}. */
    static final String BENCH_FILE = "bench-api-key";
    /** The bench key's requests per second (and burst): what the mesh runs of a flood is this, the rest is refused. */
    static final int BENCH_RATE = 2;

    /** The id the executor names a key by in quotas and metrics: {@code key-} and 12 hex digits of its SHA-256. */
    static String id(String key) {
        try {
            byte[] hash = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return "key-" + HexFormat.of().formatHex(hash, 0, 6);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private LocalApiKey() {
    }

    /** The key in {@code file}, created with 32 random bytes (hex) when missing. */
    static String ensure(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                String key = Files.readString(file).strip();
                if (!key.isEmpty()) {
                    return key;
                }
            }
            byte[] bytes = new byte[32];
            new SecureRandom().nextBytes(bytes);
            String key = "ptx_" + HexFormat.of().formatHex(bytes);
            Files.createDirectories(file.getParent());
            Files.writeString(file, key + "\n");
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // not a POSIX file system: the key stays readable like the rest of .patinox
            }
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the local API key " + file, e);
        }
    }
}
