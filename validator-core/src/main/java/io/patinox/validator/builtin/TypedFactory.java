package io.patinox.validator.builtin;

import io.patinox.contracts.validation.ValidatorFactory;
import java.util.Objects;

/** A factory of the validators of one type, the name policies use in {@code type:}. */
public abstract class TypedFactory implements ValidatorFactory {

    private final String type;

    protected TypedFactory(String type) {
        this.type = Objects.requireNonNull(type, "type");
    }

    @Override
    public final String type() {
        return type;
    }
}
