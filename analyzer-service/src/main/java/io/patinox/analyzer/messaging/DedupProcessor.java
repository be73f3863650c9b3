package io.patinox.analyzer.messaging;

import io.patinox.contracts.events.Event;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.ValidationReply;
import java.util.function.Consumer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.WindowStore;

/**
 * Drops an event the analyzer has already counted: the same record delivered twice (a producer retry without
 * idempotence, a client that publishes again, a replayed topic). Each event has an identity; identities seen
 * are kept in a window store at the event's time for as long as any window can still take the event, and the
 * store commits with the aggregates, so a restart neither forgets nor double counts them. A step proposed again
 * (a retry, a resumed run) is a new event with its own time, and counts.
 */
final class DedupProcessor implements Processor<String, Decoded, String, Decoded> {

    private final String storeName;
    private final String topic;
    private final Consumer<Event> onCounted;
    private final Consumer<String> onDuplicate;
    private ProcessorContext<String, Decoded> context;
    private WindowStore<String, Long> seen;

    DedupProcessor(String storeName, String topic, Consumer<Event> onCounted, Consumer<String> onDuplicate) {
        this.storeName = storeName;
        this.topic = topic;
        this.onCounted = onCounted;
        this.onDuplicate = onDuplicate;
    }

    @Override
    public void init(ProcessorContext<String, Decoded> context) {
        this.context = context;
        this.seen = context.getStateStore(storeName);
    }

    @Override
    public void process(Record<String, Decoded> record) {
        String id = identity(record.value().event());
        long at = record.timestamp();
        if (seen.fetch(id, at) != null) {
            onDuplicate.accept(topic);
            return;
        }
        seen.put(id, at, at);
        onCounted.accept(record.value().event());
        context.forward(record);
    }

    /** What makes two records the same event. */
    static String identity(Event event) {
        if (event instanceof StepEvent s) {
            return "step|" + s.runId() + "|" + s.stepIndex() + "|" + s.occurredAt();
        }
        if (event instanceof ValidationReply r) {
            return "reply|" + r.requestId();
        }
        if (event instanceof RunResult r) {
            return "result|" + r.taskId() + "|" + r.runId();
        }
        throw new IllegalArgumentException("no identity for " + event.getClass().getSimpleName());
    }
}
