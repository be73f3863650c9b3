package io.patinox.contracts.validation;

import java.util.Map;

/**
 * Creates validators of one type from a policy's parameters. A policy entry such as
 *
 * <pre>{@code
 * - type: pii
 *   params: {kinds: [email, payment-card]}
 * }</pre>
 *
 * is handed to the factory whose {@link #type()} is {@code pii}. Factories are found by the validator
 * service (as CDI beans, or through {@link java.util.ServiceLoader}).
 */
public interface ValidatorFactory {

    /** The type name policies use, e.g. {@code rules}. */
    String type();

    /**
     * A validator configured by {@code params}.
     *
     * @param name the name its findings carry (the policy's {@code name}, or the type)
     * @param params the policy's parameters, as read from YAML (maps, lists, strings, numbers, booleans)
     * @throws IllegalArgumentException naming the parameter when {@code params} is invalid
     */
    Validator create(String name, Map<String, Object> params);
}
