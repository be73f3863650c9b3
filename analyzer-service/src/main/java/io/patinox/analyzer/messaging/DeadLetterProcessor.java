package io.patinox.analyzer.messaging;

import io.patinox.contracts.topics.ReplyHeaders;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Turns a refused record back into its original bytes with the dead-letter headers SmallRye's dead-letter
 * strategy writes ({@code dead-letter-reason}, {@code -topic}, {@code -partition}, {@code -offset}), so every
 * dead-letter topic of the mesh reads the same.
 */
final class DeadLetterProcessor implements Processor<String, Decoded, String, byte[]> {

    private final String sourceTopic;
    private final Consumer<String> onDeadLetter;
    private ProcessorContext<String, byte[]> context;

    DeadLetterProcessor(String sourceTopic, Consumer<String> onDeadLetter) {
        this.sourceTopic = sourceTopic;
        this.onDeadLetter = onDeadLetter;
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
    }

    @Override
    public void process(Record<String, Decoded> record) {
        var headers = new RecordHeaders(record.headers().toArray());
        headers.add(ReplyHeaders.DEAD_LETTER_REASON, utf8(record.value().reason()));
        headers.add("dead-letter-topic", utf8(sourceTopic));
        context.recordMetadata().ifPresent(m -> {
            headers.add("dead-letter-partition", utf8(Integer.toString(m.partition())));
            headers.add("dead-letter-offset", utf8(Long.toString(m.offset())));
        });
        onDeadLetter.accept(sourceTopic);
        context.forward(new Record<>(record.key(), record.value().raw(), record.timestamp(), headers));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
