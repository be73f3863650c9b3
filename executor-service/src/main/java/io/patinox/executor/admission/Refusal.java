package io.patinox.executor.admission;

import java.time.Duration;
import java.util.Objects;

/**
 * Why a task is not admitted, in words a client can act on. The REST door answers {@link Kind#status()}; the Kafka
 * consumer dead-letters a task that is too large and ends any other refused task with a result saying why.
 *
 * @param kind what is wrong
 * @param message the refusal, naming the limit or the name at fault (never the task's content)
 * @param retryAfter for a quota, when trying again may succeed; else null
 * @param quota for a quota, which one ({@code key|agent} and {@code rate|concurrency|tokens|cost}); else null
 * @param subject for a quota, whose: the key id or the agent name; else null
 */
public record Refusal(Kind kind, String message, Duration retryAfter, String quota, String subject) {

    /** What is wrong with a task, and the HTTP status the door answers for it. */
    public enum Kind {
        /** A required field is missing. */
        MALFORMED(400),
        /** A name that is not an identifier (the agent schema's pattern), or a reserved metadata key. */
        INVALID(422),
        /** No agent (or workflow) of that name. */
        UNKNOWN_TARGET(404),
        /** Input or metadata over the configured limit. */
        TOO_LARGE(413),
        /** A quota of the API key or the agent is used up. */
        QUOTA(429);

        private final int status;

        Kind(int status) {
            this.status = status;
        }

        /** The HTTP status of this refusal at the door. */
        public int status() {
            return status;
        }
    }

    public Refusal {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(message, "message");
        if (kind == Kind.QUOTA && (retryAfter == null || quota == null || subject == null)) {
            throw new IllegalArgumentException("a quota refusal needs retryAfter, quota and subject");
        }
    }

    /** A refusal that is not about a quota. */
    public static Refusal of(Kind kind, String message) {
        return new Refusal(kind, message, null, null, null);
    }

    /** {@code Retry-After} in whole seconds, at least 1. */
    public long retryAfterSeconds() {
        return retryAfter == null ? 0 : Math.max(1, (retryAfter.toMillis() + 999) / 1000);
    }
}
