package io.patinox.executor.rest;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.executor.admission.Admission;
import io.patinox.executor.admission.CallerStamp;
import io.patinox.executor.admission.Refusal;
import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.messaging.EventPublisher;
import io.patinox.executor.service.RunStore;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The executor's front door: submit a task, look at or follow a run this instance has seen. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    private static final Logger LOG = Logger.getLogger(TaskResource.class);
    /** A client's task id: it becomes a Kafka key and a path segment. */
    static final Pattern TASK_ID = Pattern.compile("[^\\s\\p{Cntrl}]{1,200}");

    /**
     * Body of {@code POST /tasks}: {@code agent} or {@code workflow} (the one to run it); {@code taskId} is generated
     * when absent.
     */
    public record TaskRequest(String agent, String input, String taskId, Map<String, String> metadata, String workflow) {

        /** The name of what runs the task: the workflow's when one is named. */
        String target() {
            return workflow != null && !workflow.isBlank() ? workflow : agent;
        }

        /** The workflow named, or null. */
        String workflowOrNull() {
            return workflow != null && !workflow.isBlank() ? workflow : null;
        }
    }

    /** Answer of {@code POST /tasks}. */
    public record TaskAccepted(String taskId) {
    }

    @Inject
    EventPublisher publisher;

    @Inject
    RunStore runs;

    @Inject
    Clock clock;

    @Inject
    Admission admission;

    @Inject
    ExecutorConfig config;

    /**
     * Publishes a {@code TaskSubmitted} to {@code patinox.tasks} and returns its task id (202). Refused before anything
     * is published, with {@code {"error"}} saying why: 400 without agent or input, 422 for a name that is not an
     * identifier or a reserved metadata key, 404 for an unknown agent, 413 over a size limit (named), 429 with
     * {@code Retry-After} over a quota of the API key or the agent; 503 when the broker does not take the task.
     */
    @POST
    @Path("tasks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public Response submit(TaskRequest body, @Context HttpHeaders headers) {
        if (body == null || body.target() == null || body.target().isBlank() || body.input() == null) {
            return error(400, "body needs 'agent' (or 'workflow') and 'input'");
        }
        if (body.workflowOrNull() != null && body.agent() != null && !body.agent().isBlank()
                && !body.agent().equals(body.workflow())) {
            return error(400, "a task names 'agent' or 'workflow', not both");
        }
        String taskId = body.taskId() == null || body.taskId().isBlank() ? UUID.randomUUID().toString() : body.taskId();
        if (!TASK_ID.matcher(taskId).matches()) {
            return error(422, "taskId must be 1 to 200 characters without spaces or control characters");
        }
        // The filter has checked the key; with authentication off, whatever is sent is nobody's key.
        String key = config.auth().enabled() ? ApiKeys.presented(headers.getHeaderString(ApiKeys.HEADER),
                headers.getHeaderString(HttpHeaders.AUTHORIZATION)).orElse(null) : null;
        Optional<Refusal> refusal = admission.atDoor(taskId, body.target(), body.workflowOrNull(), body.input(),
                body.metadata(), key);
        if (refusal.isPresent()) {
            Response.ResponseBuilder r = Response.status(refusal.get().kind().status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(Map.of("error", refusal.get().message()));
            if (refusal.get().retryAfter() != null) {
                r.header("Retry-After", refusal.get().retryAfterSeconds());
            }
            return r.build();
        }
        Map<String, String> metadata = key == null ? body.metadata() : CallerStamp.stamp(body.metadata(), taskId, key);
        try {
            publisher.submit(new TaskSubmitted(TaskSubmitted.SCHEMA_VERSION, taskId, body.target(), body.input(),
                    metadata, clock.instant(), body.workflowOrNull()));
        } catch (RuntimeException e) {
            admission.withdrawn(taskId);
            LOG.errorf("Task %s could not be published: %s", taskId, e.toString());
            return error(503, "the task could not be published, try again: " + e.getClass().getSimpleName());
        }
        return Response.accepted(new TaskAccepted(taskId)).build();
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(Map.of("error", message)).build();
    }

    /**
     * Server-sent events: the steps of {@code taskId} so far, then each new one as this instance publishes
     * it; the stream completes when the run ends. A run not yet started here is waited for.
     */
    @GET
    @Path("runs/{taskId}/steps")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    public Multi<StepEvent> steps(@PathParam("taskId") String taskId) {
        return Multi.createFrom().emitter(emitter -> {
            Runnable stop = runs.listen(taskId, new RunStore.Listener() {
                @Override
                public void step(StepEvent step) {
                    emitter.emit(step);
                }

                @Override
                public void finished(RunResult result) {
                    emitter.complete();
                }
            });
            emitter.onTermination(stop);
        });
    }

    /** The run of {@code taskId} as known to this instance: state, steps so far, result; 404 if unknown. */
    @GET
    @Path("runs/{taskId}")
    public Response run(@PathParam("taskId") String taskId) {
        return runs.find(taskId).map(v -> Response.ok(v).build())
                .orElseGet(() -> Response.status(404).entity(Map.of("error", "no run for task " + taskId + " on this executor"))
                        .build());
    }
}
