package io.patinox.executor.rest;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
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
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Clock;
import java.util.Map;
import java.util.UUID;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** The executor's front door: submit a task, look at or follow a run this instance has seen. */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public class TaskResource {

    /** Body of {@code POST /tasks}; {@code taskId} is generated when absent. */
    public record TaskRequest(String agent, String input, String taskId, Map<String, String> metadata) {
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

    /** Publishes a {@code TaskSubmitted} to {@code patinox.tasks} and returns its task id (202). */
    @POST
    @Path("tasks")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public Response submit(TaskRequest body) {
        if (body == null || body.agent() == null || body.agent().isBlank() || body.input() == null) {
            return Response.status(400).entity(Map.of("error", "body needs 'agent' and 'input'")).build();
        }
        String taskId = body.taskId() == null || body.taskId().isBlank() ? UUID.randomUUID().toString() : body.taskId();
        publisher.submit(new TaskSubmitted(TaskSubmitted.SCHEMA_VERSION, taskId, body.agent(), body.input(),
                body.metadata(), clock.instant()));
        return Response.accepted(new TaskAccepted(taskId)).build();
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
                .orElseGet(() -> Response.status(404).entity(Map.of("error", "no run for task " + taskId + " on this executor")).build());
    }
}
