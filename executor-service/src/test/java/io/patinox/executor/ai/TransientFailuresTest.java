package io.patinox.executor.ai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.RateLimitException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/** What a model failure says about retrying it: whether to, and after how long. */
class TransientFailuresTest {

    private static RuntimeException status(int status, String body) {
        return new HttpException(status, body);
    }

    @Test
    void transientIsDecidedByTypeAndStatusNotByMessage() {
        assertThat(TransientFailures.isTransient(new LangChain4jException("a", new TimeoutException("read")))).isTrue();
        assertThat(TransientFailures.isTransient(new RuntimeException(new ConnectException("refused")))).isTrue();
        assertThat(TransientFailures.isTransient(new WebApplicationException(502))).isTrue();
        assertThat(TransientFailures.isTransient(new WebApplicationException(422))).isFalse();
        assertThat(TransientFailures.isTransient(status(500, "{}"))).isTrue();
        assertThat(TransientFailures.isTransient(new IllegalStateException("HTTP status 429 rate error"))).as("text alone")
                .isFalse();
    }

    @Test
    void theBackoffDoublesUnlessTheServerAskedForAWait() {
        RetryAfterBackoff backoff = new RetryAfterBackoff();
        backoff.init(500);
        RuntimeException plain = new RateLimitException("slow", status(429, "{}"));
        assertThat(backoff.nextDelayInMillis(plain)).isEqualTo(500);
        assertThat(backoff.nextDelayInMillis(plain)).isEqualTo(1000);

        var seconds = new RuntimeException(new WebApplicationException(Response.status(429).header("Retry-After", "2")
                .build()));
        assertThat(backoff.nextDelayInMillis(seconds)).isEqualTo(2000);
        var millis = new WebApplicationException(Response.status(503).header("retry-after-ms", "150")
                .header("Retry-After", "9").build());
        assertThat(backoff.nextDelayInMillis(millis)).isEqualTo(150);
        var forever = new WebApplicationException(Response.status(429).header("Retry-After", "86400").build());
        assertThat(backoff.nextDelayInMillis(forever)).isEqualTo(RetryAfterBackoff.MAX_SERVER_WAIT.toMillis());
        var date = new WebApplicationException(Response.status(429)
                .header("Retry-After", "Wed, 21 Oct 2026 07:28:00 GMT").build());
        assertThat(backoff.nextDelayInMillis(date)).as("a date is not used: the backoff goes on").isEqualTo(16_000);
    }
}
