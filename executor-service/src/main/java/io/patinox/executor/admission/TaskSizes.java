package io.patinox.executor.admission;

import io.patinox.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;

/** The size limits of a task ({@code patinox.executor.limits.*}), the same at the door and in the consumer. */
@ApplicationScoped
public class TaskSizes {

    @Inject
    ExecutorConfig config;

    /** Why a task of this input and metadata is too large, or empty. */
    public Optional<Refusal> check(String input, Map<String, String> metadata) {
        int max = config.limits().maxInputBytes();
        long inputBytes = utf8Length(input);
        if (inputBytes > max) {
            return Optional.of(Refusal.of(Refusal.Kind.TOO_LARGE, "task input of " + inputBytes
                    + " bytes is over the limit of " + max + " bytes (patinox.executor.limits.max-input-bytes)"));
        }
        long metadataBytes = 0;
        if (metadata != null) {
            for (Map.Entry<String, String> e : metadata.entrySet()) {
                metadataBytes += utf8Length(e.getKey()) + utf8Length(e.getValue());
            }
        }
        int maxMetadata = config.limits().maxMetadataBytes();
        if (metadataBytes > maxMetadata) {
            return Optional.of(Refusal.of(Refusal.Kind.TOO_LARGE, "task metadata of " + metadataBytes
                    + " bytes is over the limit of " + maxMetadata + " bytes (patinox.executor.limits.max-metadata-bytes)"));
        }
        return Optional.empty();
    }

    /** The UTF-8 length of {@code s} without encoding it. */
    static long utf8Length(String s) {
        if (s == null) {
            return 0;
        }
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                n++;
            } else if (c < 0x800) {
                n += 2;
            } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                n += 4;
                i++;
            } else {
                n += 3;
            }
        }
        return n;
    }
}
