package io.patinox.executor.ai;

/** A model call that did not produce an action: unreachable endpoint, bad reply, missing script. */
public class ModelFailure extends RuntimeException {

    public ModelFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
