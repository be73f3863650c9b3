package io.patinox.executor.messaging;

import io.opentelemetry.context.Context;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.executor.config.ExecutorConfig;
import io.smallrye.reactive.messaging.MutinyEmitter;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Publishes the executor's events and waits for each send to be acknowledged by the broker. The current
 * trace context travels with each message, so consumers continue the run's trace.
 */
@ApplicationScoped
public class EventPublisher {

    /** Outgoing channel of step events ({@code patinox.steps}, key runId). */
    public static final String STEPS = "steps";
    /** Outgoing channel of run results ({@code patinox.results}, key taskId). */
    public static final String RESULTS = "results";
    /** Outgoing channel of runs diverted to human review ({@code patinox.review}, key taskId). */
    public static final String REVIEW = "review";
    /** Outgoing channel of tasks submitted through REST ({@code patinox.tasks}, key taskId). */
    public static final String TASK_SUBMISSIONS = "task-submissions";

    private static final Logger LOG = Logger.getLogger(EventPublisher.class);

    private final MutinyEmitter<StepEvent> steps;
    private final MutinyEmitter<RunResult> results;
    private final MutinyEmitter<RunResult> review;
    private final MutinyEmitter<TaskSubmitted> tasks;
    private final ExecutorConfig config;

    EventPublisher(@Channel(STEPS) MutinyEmitter<StepEvent> steps, @Channel(RESULTS) MutinyEmitter<RunResult> results,
            @Channel(REVIEW) MutinyEmitter<RunResult> review,
            @Channel(TASK_SUBMISSIONS) MutinyEmitter<TaskSubmitted> tasks, ExecutorConfig config) {
        this.steps = steps;
        this.results = results;
        this.review = review;
        this.tasks = tasks;
        this.config = config;
    }

    /** Publishes a step; a failed send is logged, the run goes on. */
    public void step(StepEvent event) {
        sendLogged(steps, event.runId(), event, "step " + event.stepIndex() + " of run " + event.runId());
    }

    /** Publishes a run's result; a failed send is logged. */
    public void result(RunResult result) {
        sendLogged(results, result.taskId(), result, "result of task " + result.taskId());
    }

    /** Publishes a run diverted to a human to the review topic; a failed send is logged. */
    public void review(RunResult result) {
        sendLogged(review, result.taskId(), result, "review of task " + result.taskId());
    }

    /**
     * Publishes a task for this or another executor instance to run.
     *
     * @throws RuntimeException when the broker does not acknowledge it in time
     */
    public void submit(TaskSubmitted task) {
        send(tasks, task.taskId(), task);
    }

    private <T> void sendLogged(MutinyEmitter<T> emitter, String key, T event, String what) {
        try {
            send(emitter, key, event);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not publish %s", what);
        }
    }

    private <T> void send(MutinyEmitter<T> emitter, String key, T event) {
        Message<T> message = Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String> builder().withKey(key).build())
                .addMetadata(TracingMetadata.withCurrent(Context.current()));
        emitter.sendMessage(message).await().atMost(config.publish().sendTimeout());
    }
}
