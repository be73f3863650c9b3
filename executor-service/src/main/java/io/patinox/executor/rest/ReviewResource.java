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
import java.util.Locale;
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
        return reviews.find(id).map(v -> Response.ok(v).build()).orElseGet(() -> error(404, "no review '" + id + "'"));
    }

    /**
     * Decides the review: {@code approve} runs the pending action as it is, {@code edit} runs {@code action} instead
     * (if the validator allows it), {@code reject} ends the run with {@code reason}.
     */
    @POST
    @Path("{id}/{decision: approve|edit|reject}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Blocking
    public Response decide(@PathParam("id") String id, @PathParam("decision") String decision, DecisionRequest body) {
        ReviewDecision.Kind kind = ReviewDecision.Kind.valueOf(decision.toUpperCase(Locale.ROOT));
        String missing = missing(kind, body);
        if (missing != null) {
            return error(400, missing);
        }
        String reviewer = body == null || body.reviewer() == null || body.reviewer().isBlank() ? "api" : body.reviewer();
        try {
            ReviewDecision d = reviews.decide(id, kind, body == null ? null : body.action(),
                    body == null ? null : body.reason(), reviewer);
            return Response.accepted(d).build();
        } catch (ReviewService.NotWaiting e) {
            return error(e.unknown ? 404 : 409, e.getMessage());
        } catch (IllegalArgumentException e) {
            return error(400, e.getMessage());
        }
    }

    /** What a decision of {@code kind} needs and {@code body} lacks, or null. */
    private static String missing(ReviewDecision.Kind kind, DecisionRequest body) {
        return switch (kind) {
            case APPROVE -> null;
            case EDIT -> body == null || body.action() == null ? "an edit needs 'action' (the action to run instead)" : null;
            case REJECT -> body == null || body.reason() == null || body.reason().isBlank() ? "a rejection needs 'reason'"
                    : null;
        };
    }

    private static Response error(int status, String message) {
        return Response.status(status).entity(Map.of("error", message)).build();
    }
}
