package io.patinox.validator.builtin;

import io.patinox.contracts.validation.Validator;
import java.util.Map;

/**
 * A validator type this classpath cannot run: its implementation needs a library the application did not ship
 * (e.g. {@code attack-similarity} without the module {@code vectors}, as in the evolution service:
 * docs/adr/0017-evolution-replays-without-embeddings.md). The type stays known, so a policy naming it is not a typo;
 * loading such a policy fails and says what is missing, unless the caller puts a factory of its own in this one's
 * place (evolution's replay does).
 */
public final class UnavailableType extends TypedFactory {

    private final String missing;

    /**
     * @param type the type name policies use
     * @param missing what the classpath lacks, e.g. {@code the module patinox-vectors (embedding model, Lance)}
     */
    public UnavailableType(String type, String missing) {
        super(type);
        this.missing = missing;
    }

    /** What the classpath lacks. */
    public String missing() {
        return missing;
    }

    @Override
    public Validator create(String name, Map<String, Object> params) {
        throw new IllegalArgumentException("type '" + type() + "' cannot run here: it needs " + missing
                + ", which is not on the classpath");
    }
}
