package io.patinox.validator.messaging;

import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.validator.service.ValidationService;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Answers every validation request. A request that does not decode never gets here: the channel's deserializer
 * refuses it and the dead-letter strategy parks it in {@code patinox.dlq.validation.requests} with its original
 * bytes and the reason. A request is acknowledged only once its reply is written. The service's own warm-up requests
 * ({@link RequestPathWarmUp}) are answered on the warm-up topic and counted in no verdict metric.
 */
@ApplicationScoped
public class ValidationRequestConsumer {

    /** Incoming channel of {@code patinox.validation.requests}. */
    public static final String CHANNEL = "validation-requests";

    private static final Logger LOG = Logger.getLogger(ValidationRequestConsumer.class);

    private final ValidationService service;
    private final ReplySender replies;
    private final RequestPathWarmUp warmUp;

    ValidationRequestConsumer(ValidationService service, ReplySender replies, RequestPathWarmUp warmUp) {
        this.service = service;
        this.replies = replies;
        this.warmUp = warmUp;
    }

    /** Requests are independent: they are judged concurrently, each reply going out as soon as it is ready. */
    @Incoming(CHANNEL)
    @Blocking(ordered = false)
    public CompletionStage<Void> onRequest(Message<ValidationRequest> message) {
        ValidationRequest request = message.getPayload();
        if (request == null) {
            // A tombstone: nothing to answer, parked like any record that is not a request.
            return message.nack(new ContractViolation("empty message in ValidationRequest", null, null));
        }
        // The connector opened a span continuing the requester's trace; make it the parent of ours.
        Context parent = TracingMetadata.fromMessage(message)
                .map(TracingMetadata::getCurrentContext)
                .orElse(Context.current());
        try (Scope ignored = parent.makeCurrent()) {
            if (RequestPathWarmUp.isWarmUp(message)) {
                return replies.send(message, request.runId(), service.warmUp(request))
                        .thenRun(() -> warmUp.answered(message));
            }
            return replies.send(message, request.runId(), service.validate(request));
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not answer request %s", request.requestId());
            return message.nack(e);
        }
    }
}
