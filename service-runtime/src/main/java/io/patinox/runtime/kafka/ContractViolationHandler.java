package io.patinox.runtime.kafka;

import io.patinox.contracts.json.ContractViolation;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.DeserializationFailureHandler;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.Logger;

/**
 * What a channel does with a record its {@link ContractDeserializer} refuses
 * ({@code value-deserialization-failure-handler=contract-violation}): the payload becomes null, and the reason is
 * logged and set as the {@code deserialization-failure-reason} header. On a channel with the
 * {@code dead-letter-queue} strategy SmallRye then sends the record straight to the dead-letter topic with that
 * reason as {@code dead-letter-reason}, and its original bytes as the value ({@link ContractSerializer}); on a
 * channel with {@code ignore}, the consumer sees a null payload and skips it.
 *
 * <p>
 * Why not SmallRye's own handling ({@code fail-on-deserialization-failure=false}): its headers carry the
 * deserializer's message, which may quote the record, and the original bytes three times, so a dead letter of a
 * record over a third of the size limit could not be written.
 */
@ApplicationScoped
@Identifier(ContractViolationHandler.NAME)
public class ContractViolationHandler implements DeserializationFailureHandler<Object> {

    /** The name a channel's {@code value-deserialization-failure-handler} gives. */
    public static final String NAME = "contract-violation";

    /** The header that keeps a refused record's original bytes until its dead letter is written. */
    static final String ORIGINAL_VALUE = DESERIALIZATION_FAILURE_VALUE_DATA;

    private static final Logger LOG = Logger.getLogger(ContractViolationHandler.class);

    @Override
    public Object decorateDeserialization(Uni<Object> deserialization, String topic, boolean isKey,
            String deserializer, byte[] data, Headers headers) {
        return deserialization.onFailure()
                .recoverWithItem(failure -> refuse(topic, isKey, data, headers, failure))
                .await().indefinitely();
    }

    private static Object refuse(String topic, boolean isKey, byte[] data, Headers headers, Throwable failure) {
        String reason = failure instanceof ContractViolation ? failure.getMessage()
                : "cannot read a record of " + topic + " (" + failure.getClass().getSimpleName() + ")";
        LOG.warnf("Refused a record of %s: %s", topic, reason);
        if (headers != null) {
            headers.add(DESERIALIZATION_FAILURE_DLQ, TRUE_VALUE);
            headers.add(DESERIALIZATION_FAILURE_REASON, reason.getBytes(StandardCharsets.UTF_8));
            if (!isKey && data != null) {
                headers.add(ORIGINAL_VALUE, data);
            }
        }
        return null;
    }
}
