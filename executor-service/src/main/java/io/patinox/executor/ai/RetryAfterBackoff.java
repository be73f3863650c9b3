package io.patinox.executor.ai;

import io.smallrye.faulttolerance.api.CustomBackoffStrategy;
import jakarta.ws.rs.WebApplicationException;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * The wait before the next attempt of one model call: what the server asked for in {@code retry-after-ms} or
 * {@code Retry-After} (seconds; capped at {@link #MAX_SERVER_WAIT}), else the backoff, starting at the initial
 * delay and doubling after each attempt. The headers are read from a failure that carries the HTTP response
 * (a JAX-RS {@link WebApplicationException}); langchain4j's own {@code HttpException} keeps only the status and
 * body, so through it the backoff applies. One instance per call (Fault Tolerance asks its supplier each time).
 */
final class RetryAfterBackoff implements CustomBackoffStrategy {

    /** The longest server-requested wait taken as it is; a model that wants longer is not worth the step. */
    static final Duration MAX_SERVER_WAIT = Duration.ofSeconds(60);

    private long next;

    @Override
    public void init(long initialDelayInMillis) {
        next = initialDelayInMillis;
    }

    @Override
    public long nextDelayInMillis(Throwable failure) {
        long backoff = next;
        next = next * 2;
        return serverWait(failure).orElse(backoff);
    }

    /** The wait the response behind {@code failure} asked for, if any. */
    static OptionalLong serverWait(Throwable failure) {
        for (Throwable t = failure; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof WebApplicationException web && web.getResponse() != null) {
                OptionalLong millis = parse(web.getResponse().getHeaderString("retry-after-ms"), 1);
                if (millis.isEmpty()) {
                    millis = parse(web.getResponse().getHeaderString("Retry-After"), 1000);
                }
                return millis.isPresent()
                        ? OptionalLong.of(Math.min(millis.getAsLong(), MAX_SERVER_WAIT.toMillis()))
                        : millis;
            }
        }
        return OptionalLong.empty();
    }

    /** A non-negative number of {@code unit} milliseconds; an HTTP date or anything else is not used. */
    private static OptionalLong parse(String value, long unit) {
        if (value == null || value.isBlank()) {
            return OptionalLong.empty();
        }
        try {
            double amount = Double.parseDouble(value.strip());
            return amount < 0 || Double.isNaN(amount) ? OptionalLong.empty() : OptionalLong.of((long) (amount * unit));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
