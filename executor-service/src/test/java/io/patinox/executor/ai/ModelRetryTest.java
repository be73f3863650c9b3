package io.patinox.executor.ai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.exception.AuthenticationException;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.patinox.executor.FakeOpenAiServer;
import io.patinox.testkit.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The retry guard of model calls, in the running application (Fault Tolerance's programmatic API needs its
 * container; the test resources are those of the other executor tests, so the application is shared).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class ModelRetryTest {

    private static final ChatResponse ANSWER = ChatResponse.builder().aiMessage(AiMessage.from("391")).build();

    /** A call that fails with each of {@code failures} in turn, then answers; the attempts are counted. */
    private static final class Flaky implements Supplier<ChatResponse> {
        private final List<RuntimeException> failures;
        int attempts;

        Flaky(RuntimeException... failures) {
            this.failures = new ArrayList<>(List.of(failures));
        }

        @Override
        public ChatResponse get() {
            attempts++;
            if (!failures.isEmpty()) {
                throw failures.remove(0);
            }
            return ANSWER;
        }
    }

    private static RuntimeException status(int status, String body) {
        return new HttpException(status, body);
    }

    @Test
    void aRateLimitThenAServerErrorAreRetriedAndTheAnswerReturned() {
        Flaky call = new Flaky(new RateLimitException("slow down", status(429, "{}")),
                new InternalServerException("oops", status(503, "{}")));
        assertThat(new ModelRetry(3, Duration.ofMillis(1)).call(call)).isSameAs(ANSWER);
        assertThat(call.attempts).isEqualTo(3);
    }

    @Test
    void contractErrorsFailAtOnceWrappedInAModelFailure() {
        for (RuntimeException contract : List.of(new InvalidRequestException("bad", status(400, "{}")),
                new AuthenticationException("who", status(401, "{}")), status(404, "no such model"),
                new IllegalArgumentException("a reply we could not read"))) {
            Flaky call = new Flaky(contract);
            assertThatThrownBy(() -> new ModelRetry(3, Duration.ofMillis(1)).call(call))
                    .isInstanceOf(ModelFailure.class).hasCause(contract).hasMessageContaining("model call failed");
            assertThat(call.attempts).as(contract.toString()).isEqualTo(1);
        }
    }

    @Test
    void theAttemptsAreBoundedAndTheLastFailureIsKept() {
        RuntimeException last = new RateLimitException("still", status(429, "{}"));
        Flaky call = new Flaky(new RateLimitException("slow", status(429, "{}")), last);
        assertThatThrownBy(() -> new ModelRetry(2, Duration.ofMillis(1)).call(call)).isInstanceOf(ModelFailure.class)
                .hasCause(last);
        assertThat(call.attempts).isEqualTo(2);

        Flaky once = new Flaky(new RateLimitException("slow", status(429, "{}")));
        assertThatThrownBy(() -> new ModelRetry(1, Duration.ofMillis(1)).call(once)).isInstanceOf(ModelFailure.class);
        assertThat(once.attempts).as("one attempt in all").isEqualTo(1);
    }
}
