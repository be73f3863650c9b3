package io.patinox.analyzer.messaging;

import io.patinox.analyzer.service.Contribution;
import io.patinox.contracts.events.Event;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.runtime.kafka.ContractDeserializer;
import io.patinox.runtime.kafka.RefusalReason;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.jboss.logging.Logger;

/**
 * Decodes one topic's JSON values with the record's deserializer (the contracts' strict codec). A good event is
 * forwarded as its contribution, stamped with its own {@code occurredAt} so windows follow event time; a bad one is
 * forwarded as refused with its original bytes, for the dead-letter branch. Nothing here throws: one bad record
 * never stops the stream. Neither the log nor the dead-letter reason quotes the record ({@link RefusalReason}).
 */
final class DecodeProcessor<E extends Event> implements Processor<String, byte[], String, Decoded> {

    private static final Logger LOG = Logger.getLogger(DecodeProcessor.class);

    private final ContractDeserializer<E> deserializer;
    private ProcessorContext<String, Decoded> context;

    DecodeProcessor(ContractDeserializer<E> deserializer) {
        this.deserializer = deserializer;
    }

    @Override
    public void init(ProcessorContext<String, Decoded> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, byte[]> record) {
        Contribution contribution;
        E event;
        Class<E> type = deserializer.type();
        try {
            event = deserializer.read(record.value());
            contribution = Contribution.of(event);
        } catch (RuntimeException e) {
            // The deserializer's refusal in practice; anything else the event cannot be counted either. Never retried.
            // The reason names the fault and the field only: the record may hold prompts or personal data.
            String reason = e instanceof ContractViolation ? e.getMessage() : RefusalReason.of(e, type);
            String where = context.recordMetadata()
                    .map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse("unknown offset");
            LOG.warnf("Refused a %s record at %s: %s", type.getSimpleName(), where, reason);
            context.forward(record.withValue(Decoded.refused(record.value(), reason)));
            return;
        }
        context.forward(record.withValue(Decoded.ok(event, contribution)).withTimestamp(contribution.eventTimeMillis()));
    }
}
