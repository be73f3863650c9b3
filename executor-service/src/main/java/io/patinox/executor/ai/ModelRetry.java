package io.patinox.executor.ai;

import dev.langchain4j.model.chat.response.ChatResponse;
import io.smallrye.faulttolerance.api.TypedGuard;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * Retries a model call on transient failures with exponential backoff, through SmallRye Fault Tolerance's
 * programmatic guard (the model is chosen at run time, so there is no bean method to annotate). What counts as
 * transient is decided by the failure's type and HTTP status ({@link TransientFailures}), never by its message;
 * the wait before the next attempt is the server's {@code Retry-After} when it sent one, else the backoff
 * ({@link RetryAfterBackoff}).
 */
public final class ModelRetry {

    private final TypedGuard<ChatResponse> guard;

    /**
     * @param maxAttempts attempts in all, the first included
     * @param initialBackoff the wait before the second attempt; doubled for each further one
     */
    public ModelRetry(int maxAttempts, Duration initialBackoff) {
        long initial = Math.max(0, initialBackoff.toMillis());
        guard = TypedGuard.create(ChatResponse.class)
                .withDescription("model call")
                .withRetry()
                // Fault Tolerance reads -1 as "for ever": one attempt at least, as the setting says.
                .maxRetries(Math.max(0, maxAttempts - 1))
                .delay(initial, ChronoUnit.MILLIS)
                .jitter(0, ChronoUnit.MILLIS)
                // The attempts bound the retries, not the clock: a slow model must not lose its retries.
                .maxDuration(0, ChronoUnit.MILLIS)
                .whenException(TransientFailures::isTransient)
                .withCustomBackoff().strategy(RetryAfterBackoff::new).done()
                .done()
                .build();
    }

    /** Calls {@code call}, retrying transient failures; the last failure is wrapped in a {@link ModelFailure}. */
    public ChatResponse call(Supplier<ChatResponse> call) {
        try {
            return guard.get(call);
        } catch (RuntimeException e) {
            throw new ModelFailure("model call failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
