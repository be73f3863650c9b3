package io.patinox.validator.builtin;

import io.patinox.contracts.validation.Validator;
import java.util.Objects;

/** A validator whose name comes from its policy entry and whose ordering cost is fixed by its type. */
public abstract class NamedValidator implements Validator {

    private final String name;
    private final int cost;

    protected NamedValidator(String name, int cost) {
        this.name = Objects.requireNonNull(name, "name");
        this.cost = cost;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final int cost() {
        return cost;
    }
}
