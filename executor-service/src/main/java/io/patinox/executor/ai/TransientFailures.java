package io.patinox.executor.ai;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.NonRetriableException;
import dev.langchain4j.exception.RetriableException;
import jakarta.ws.rs.WebApplicationException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;
import java.util.concurrent.TimeoutException;

/**
 * Which failures of a model call are worth another attempt, by type and HTTP status: rate limits (429), server
 * errors (5xx), request timeouts (408) and connections that were refused or timed out. A 4xx contract error
 * (400, 401, 403, 404, 422) or a reply we could not read fails at once.
 */
final class TransientFailures {

    private TransientFailures() {
    }

    /** Whether {@code failure} (or what caused it) is transient; the outermost failure that says so decides. */
    static boolean isTransient(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // langchain4j's own split: rate limit, server error and timeout are retriable; the rest are not.
            if (t instanceof RetriableException) {
                return true;
            }
            if (t instanceof NonRetriableException) {
                return false;
            }
            if (t instanceof HttpException http) {
                return transientStatus(http.statusCode());
            }
            if (t instanceof WebApplicationException web && web.getResponse() != null) {
                return transientStatus(web.getResponse().getStatus());
            }
            // Vert.x's timeouts are java.util.concurrent.TimeoutException; Netty's connect timeout a ConnectException.
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException
                    || t instanceof HttpTimeoutException || t instanceof ConnectException) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    static boolean transientStatus(int status) {
        return status == 408 || status == 429 || status >= 500;
    }
}
