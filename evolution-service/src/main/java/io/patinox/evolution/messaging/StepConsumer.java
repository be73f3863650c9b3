package io.patinox.evolution.messaging;

import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.evolution.replay.StepRecorder;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records the traffic proposals are replayed on: steps from {@code patinox.steps} and task inputs from
 * {@code patinox.tasks}. A record its deserializer refuses arrives as null (the refusal is logged there, naming the
 * field) and is skipped, not parked: the analyzer (steps) and the executor (tasks) already park it in the topic's
 * dead-letter topic, and a second copy there would only be noise. A step keeps the W3C {@code traceparent} it
 * travelled with, so that a proposal can name (and its span link to) the traces of the steps behind it.
 */
@ApplicationScoped
public class StepConsumer {

    /** The incoming channel of steps. */
    public static final String STEPS = "steps";
    /** The incoming channel of tasks. */
    public static final String TASKS = "tasks";

    @Inject
    StepRecorder recorder;

    @Incoming(STEPS)
    public void step(ConsumerRecord<String, StepEvent> record) {
        if (record.value() != null) {
            Header traceparent = record.headers().lastHeader("traceparent");
            recorder.record(record.value(), traceparent == null ? null
                    : new String(traceparent.value(), StandardCharsets.US_ASCII));
        }
    }

    @Incoming(TASKS)
    public void task(Record<String, TaskSubmitted> record) {
        if (record.value() != null) {
            recorder.record(record.value());
        }
    }
}
