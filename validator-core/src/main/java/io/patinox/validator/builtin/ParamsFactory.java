package io.patinox.validator.builtin;

import io.patinox.contracts.validation.Validator;
import io.patinox.contracts.validation.ValidatorFactory;
import java.util.Map;
import java.util.function.BiFunction;

/** A factory of a validator type whose constructor takes the validator's name and its {@link Params}. */
abstract class ParamsFactory implements ValidatorFactory {

    private final String type;
    private final BiFunction<String, Params, Validator> constructor;

    ParamsFactory(String type, BiFunction<String, Params, Validator> constructor) {
        this.type = type;
        this.constructor = constructor;
    }

    @Override
    public String type() {
        return type;
    }

    @Override
    public Validator create(String name, Map<String, Object> params) {
        return constructor.apply(name, Params.of(params));
    }
}
