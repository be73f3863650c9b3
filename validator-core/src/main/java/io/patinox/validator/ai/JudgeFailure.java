package io.patinox.validator.ai;

/**
 * A judge could not decide: the model call failed (HTTP error, refused connection) or its answer is not the
 * verdict asked for. The chain turns it into a finding saying so, with the policy's fail mode.
 */
public final class JudgeFailure extends RuntimeException {

    public JudgeFailure(String message, Throwable cause) {
        super(message, cause);
    }

    public JudgeFailure(String message) {
        super(message);
    }
}
