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
 * The executor requires a key outside dev mode, so the local mesh runs with authentication on too.
 */
final class LocalApiKey {

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
