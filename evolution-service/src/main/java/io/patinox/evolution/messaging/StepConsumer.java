package io.patinox.evolution.messaging;

import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.contracts.json.Json;
import io.patinox.evolution.replay.StepRecorder;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Records the traffic proposals are replayed on: steps from {@code patinox.steps} and task inputs from
 * {@code patinox.tasks}. A record that does not decode is skipped with a log line naming the field, not parked:
 * the analyzer (steps) and the executor (tasks) already park it in the topic's dead-letter topic, and a second
 * copy there would only be noise.
 */
@ApplicationScoped
public class StepConsumer {

    private static final Logger LOG = Logger.getLogger(StepConsumer.class);

    /** The incoming channel of steps. */
    public static final String STEPS = "steps";
    /** The incoming channel of tasks. */
    public static final String TASKS = "tasks";

    @Inject
    StepRecorder recorder;

    @Incoming(STEPS)
    public void step(Record<String, byte[]> record) {
        try {
            if (record.value() != null) {
                recorder.record(Json.decode(record.value(), StepEvent.class));
            }
        } catch (ContractViolation e) {
            LOG.warnf("Skipped a step that does not match the contract (key %s): %s", record.key(), e.getMessage());
        }
    }

    @Incoming(TASKS)
    public void task(Record<String, byte[]> record) {
        try {
            if (record.value() != null) {
                recorder.record(Json.decode(record.value(), TaskSubmitted.class));
            }
        } catch (ContractViolation e) {
            LOG.warnf("Skipped a task that does not match the contract (key %s): %s", record.key(), e.getMessage());
        }
    }
}
