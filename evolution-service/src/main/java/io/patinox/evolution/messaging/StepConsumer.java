package io.patinox.evolution.messaging;

import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.evolution.replay.StepRecorder;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Records the traffic proposals are replayed on: steps from {@code patinox.steps} and task inputs from
 * {@code patinox.tasks}. A record its deserializer refuses arrives as null (the refusal is logged there, naming the
 * field) and is skipped, not parked: the analyzer (steps) and the executor (tasks) already park it in the topic's
 * dead-letter topic, and a second copy there would only be noise.
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
    public void step(Record<String, StepEvent> record) {
        if (record.value() != null) {
            recorder.record(record.value());
        }
    }

    @Incoming(TASKS)
    public void task(Record<String, TaskSubmitted> record) {
        if (record.value() != null) {
            recorder.record(record.value());
        }
    }
}
