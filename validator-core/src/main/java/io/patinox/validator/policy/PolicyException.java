package io.patinox.validator.policy;

/** A policy file that cannot be used; the message names the file and the field. */
public final class PolicyException extends RuntimeException {
    public PolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
