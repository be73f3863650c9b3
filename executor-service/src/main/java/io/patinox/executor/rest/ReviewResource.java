package io.patinox.executor.rest;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ReviewDecision;
import io.patinox.executor.review.ReviewService;
import io.patinox.executor.review.ReviewView;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;

/**
 * Human review over REST, behind the same API keys as {@code /tasks}: list the runs waiting for a person, show one,
 * and approve, edit or reject it. A decision is published to {@code patinox.review.decisions} (202 with the
 * decision); the executor that consumes it resumes or ends the run. Every executor instance lists every waiting
 * review (they are read from the run journal).
 */
@Path("/reviews")
@Produces(MediaType.APPLICATION_JSON)
public class ReviewResource {

    /** Body of the decision endpoints; {@code action} for an edit, {@code reason} for a rejection. */
    public record DecisionRequest(String reviewer, Action action, String reason) {
    }

    @Inject
    ReviewService reviews;

    /** The reviews waiting for a decision, oldest first. */
    @GET
    public List<ReviewView> list() {
        return reviews.waiting();
    }

    /** One review, waiting or decided (until its run ends); 404 when unknown. */
    @GET
    @Path("{id}")
    public Response show(@PathParam("id") String id) {
        return reviews.find(id).map(v -> Response.ok(v).build())
                .orElseGet(() -> Response.status(404).entity(Map.of("error", "no review '" + id + "'")).build());
    }

    /** Runs the pending action as it is. */
    @POST
    @Path("{id}/approve")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public Response approve(@PathParam("id") String id, DecisionRequest body) {
        return decide(id, ReviewDecision.Kind.APPROVE, body);
    }

    /** Runs {@code action} instead, if the validator allows it. */
    @POST
    @Path("{id}/edit")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public Response edit(@PathParam("id") String id, DecisionRequest body) {
        if (body == null || body.action() == null) {
            return Response.status(400).entity(Map.of("error", "an edit needs 'action' (the action to run instead)")).build();
        }
        return decide(id, ReviewDecision.Kind.EDIT, body);
    }

    /** Ends the run with {@code reason}. */
    @POST
    @Path("{id}/reject")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public Response reject(@PathParam("id") String id, DecisionRequest body) {
        if (body == null || body.reason() == null || body.reason().isBlank()) {
            return Response.status(400).entity(Map.of("error", "a rejection needs 'reason'")).build();
        }
        return decide(id, ReviewDecision.Kind.REJECT, body);
    }

    private Response decide(String id, ReviewDecision.Kind kind, DecisionRequest body) {
        String reviewer = body == null || body.reviewer() == null || body.reviewer().isBlank() ? "api" : body.reviewer();
        try {
            ReviewDecision d = reviews.decide(id, kind, body == null ? null : body.action(),
                    body == null ? null : body.reason(), reviewer);
            return Response.accepted(d).build();
        } catch (ReviewService.NotWaiting e) {
            return Response.status(e.unknown ? 404 : 409).entity(Map.of("error", e.getMessage())).build();
        } catch (IllegalArgumentException e) {
            return Response.status(400).entity(Map.of("error", e.getMessage())).build();
        }
    }
}
