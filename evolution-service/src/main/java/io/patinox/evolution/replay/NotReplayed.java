package io.patinox.evolution.replay;

import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.Judgement;
import io.patinox.contracts.validation.Validator;
import io.patinox.validator.builtin.TypedFactory;
import io.patinox.validator.builtin.UnavailableType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/**
 * A validator of a replayed policy that evolution cannot run: its type needs a library evolution does not ship
 * ({@code attack-similarity}: the embedding model and Lance; docs/adr/0017-evolution-replays-without-embeddings.md).
 * In the replayed chain it allows every step, which changes no verdict of the others (the chain's verdict is the
 * strongest one), so the verdicts compared are those of the validators that do run. {@link ReplayEvaluator} accounts
 * for what it would have judged: it compares the {@link #declaration()} of each such validator under both configs,
 * refuses a proposal that adds, removes or changes one, and names an unchanged one in the evidence.
 *
 * @param name the validator's name in the policy
 * @param type its type
 * @param missing what evolution lacks to run it
 * @param declaration what it was configured with: its parameters in a canonical form, with the SHA-256 of every file
 *        of the config directory they name (e.g. the attack corpora), so a proposal that edits such a file changes it
 *        too
 */
record NotReplayed(String name, String type, String missing, String declaration) implements Validator {

    /** Costs nothing: it runs inline, and it comes first as it changes nothing later validators see. */
    @Override
    public int cost() {
        return 0;
    }

    @Override
    public Judgement validate(ValidationRequest request) {
        return Judgement.allow(0, "not replayed: type '" + type + "' needs " + missing);
    }

    /** Stands in for a factory of {@link UnavailableType}, with a config directory's files. */
    static final class Factory extends TypedFactory {
        private final String missing;
        private final Path configDir;

        Factory(UnavailableType unavailable, Path configDir) {
            super(unavailable.type());
            this.missing = unavailable.missing();
            this.configDir = configDir.toAbsolutePath().normalize();
        }

        @Override
        public Validator create(String name, Map<String, Object> params) {
            StringBuilder declaration = new StringBuilder();
            canonical(params, declaration);
            return new NotReplayed(name, type(), missing, declaration.toString());
        }

        private void canonical(Object value, StringBuilder out) {
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> sorted = new TreeMap<>();
                map.forEach((k, v) -> sorted.put(String.valueOf(k), v));
                out.append('{');
                sorted.forEach((k, v) -> {
                    out.append(k).append('=');
                    canonical(v, out);
                    out.append(';');
                });
                out.append('}');
            } else if (value instanceof Collection<?> list) {
                out.append('[');
                list.forEach(v -> {
                    canonical(v, out);
                    out.append(';');
                });
                out.append(']');
            } else if (value instanceof String text) {
                out.append('"').append(text.replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
                Path file = file(text);
                if (file != null) {
                    out.append("@sha256:").append(sha256(file));
                }
            } else {
                out.append(value);
            }
        }

        /** The regular file of the config directory {@code text} names, or null. */
        private Path file(String text) {
            if (text.isBlank()) {
                return null;
            }
            try {
                Path file = configDir.resolve(text).normalize();
                return file.startsWith(configDir) && Files.isRegularFile(file) ? file : null;
            } catch (InvalidPathException e) {
                return null;
            }
        }

        private static String sha256(Path file) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + file, e);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
