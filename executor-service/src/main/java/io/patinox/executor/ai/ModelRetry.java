package io.patinox.executor.ai;

import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Retries a model call on transient failures (HTTP 429 and 5xx, timeouts, refused connections) with
 * exponential backoff; anything else (401, 400, a bad reply) fails at once.
 *
 * @param maxAttempts    attempts in all, the first included
 * @param initialBackoff the wait before the second attempt; doubled for each further one
 */
public record ModelRetry(int maxAttempts, Duration initialBackoff) {

    private static final Pattern TRANSIENT_STATUS = Pattern.compile("\\b(429|500|502|503|504)\\b");

    /** Calls {@code call}, retrying transient failures; the last failure is wrapped in a {@link ModelFailure}. */
    public <T> T call(Supplier<T> call) {
        Duration backoff = initialBackoff;
        RuntimeException last = null;
        for (int attempt = 1; attempt <= Math.max(1, maxAttempts); attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                last = e;
                if (!isTransient(e) || attempt >= maxAttempts) {
                    break;
                }
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    break;
                }
                backoff = backoff.multipliedBy(2);
            }
        }
        throw new ModelFailure(describe(last), last);
    }

    /** Whether {@code e} is worth another attempt. */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String type = t.getClass().getName();
            if (type.endsWith("RateLimitException") || type.endsWith("InternalServerException")
                    || type.endsWith("TimeoutException") || t instanceof java.net.ConnectException
                    || t instanceof java.net.SocketTimeoutException) {
                return true;
            }
            if (t instanceof dev.langchain4j.exception.HttpException h) {
                return h.statusCode() == 429 || h.statusCode() >= 500;
            }
            if (t instanceof jakarta.ws.rs.WebApplicationException w && w.getResponse() != null) {
                int status = w.getResponse().getStatus();
                return status == 429 || status >= 500;
            }
            if (t.getMessage() != null && TRANSIENT_STATUS.matcher(t.getMessage()).find()
                    && t.getMessage().toLowerCase(Locale.ROOT).matches("(?s).*(status|http|rate|error).*")) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        return e == null ? "model call failed" : "model call failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
    }
}
