package io.patinox.validator.builtin;

import io.patinox.contracts.validation.Validator;
import java.util.Map;
import java.util.function.BiFunction;

/** A factory of a validator type whose constructor takes the validator's name and its {@link Params}. */
abstract class ParamsFactory extends TypedFactory {

    private final BiFunction<String, Params, Validator> constructor;

    ParamsFactory(String type, BiFunction<String, Params, Validator> constructor) {
        super(type);
        this.constructor = constructor;
    }

    @Override
    public Validator create(String name, Map<String, Object> params) {
        return constructor.apply(name, Params.of(params));
    }
}
