package io.patinox.evolution.rest;

import io.patinox.contracts.json.Json;
import io.patinox.evolution.service.Draft;
import io.patinox.evolution.service.ProposalService;
import jakarta.inject.Inject;
import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;

/**
 * Proposals: list, show (with diff and evidence), submit a change by hand (it is replayed like any other), and the
 * reviewer's commands approve (merge), reject and revert. Errors are JSON {@code {"error": "..."}}: 404 unknown
 * proposal, 409 a command the proposal's status does not allow or a merge conflict, 400 a bad submission.
 */
@Path("/proposals")
@Produces(MediaType.APPLICATION_JSON)
public class ProposalsResource {

    @Inject
    ProposalService proposals;

    /** {@code GET /proposals}: a JSON array of {@code EvolutionProposal}. */
    @GET
    public byte[] list() {
        return Json.encode(proposals.all());
    }

    /** {@code GET /proposals/{id}}: {@code {"proposal": ..., "evidence": {...}, "diff": "..."}}. */
    @GET
    @Path("/{id}")
    public byte[] show(@PathParam("id") String id) {
        var proposal = proposals.get(id).orElseThrow(() -> new NotFoundException(error(404, "no proposal " + id)));
        var body = new LinkedHashMap<String, Object>();
        body.put("proposal", proposal);
        body.put("evidence", proposal.evidence());
        body.put("diff", proposals.diff(id).orElse(""));
        return Json.encode(body);
    }

    /** A change submitted by hand: {@code {"agent", "summary", "kind"?, "changes": {path: content}}}. */
    public record Submission(String agent, String kind, String summary, Map<String, String> changes) {
    }

    /**
     * {@code POST /proposals}: replays the change and opens it (201, status {@code OPENED}) or refuses it (201,
     * status {@code REJECTED} with the evidence); 409 when the same change was proposed before.
     */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response submit(byte[] json) {
        Submission s;
        try {
            s = Json.mapper().readValue(json, Submission.class);
        } catch (java.io.IOException e) {
            throw new BadRequestException(error(400, "not a submission: " + e.getMessage().lines().findFirst().orElse("")));
        }
        if (s.agent() == null || s.agent().isBlank() || s.changes() == null || s.changes().isEmpty()) {
            throw new BadRequestException(error(400, "agent and changes are required"));
        }
        String kind = s.kind() == null || s.kind().isBlank() ? "manual" : s.kind();
        String summary = s.summary() == null || s.summary().isBlank() ? "Change " + s.changes().keySet() : s.summary();
        var draft = new Draft(kind + "|" + s.agent() + "|" + new java.util.TreeMap<>(s.changes()), kind, s.agent(),
                null, summary, s.changes(), Map.of("submittedBy", "POST /proposals"));
        var made = command(() -> proposals.submit(draft));
        return made.map(p -> Response.status(201).entity(Json.encode(p)).build())
                .orElseThrow(() -> new WebApplicationException(error(409, "this change was proposed before")));
    }

    /** {@code POST /proposals/{id}/approve}: merges into the main branch and pushes; status {@code MERGED}. */
    @POST
    @Path("/{id}/approve")
    public byte[] approve(@PathParam("id") String id) {
        return Json.encode(command(() -> proposals.approve(id)));
    }

    /** {@code POST /proposals/{id}/reject?reason=}: status {@code REJECTED}. */
    @POST
    @Path("/{id}/reject")
    public byte[] reject(@PathParam("id") String id, @QueryParam("reason") String reason) {
        return Json.encode(command(() -> proposals.reject(id, reason)));
    }

    /** {@code POST /proposals/{id}/revert}: restores the previous files on the main branch; status {@code REVERTED}. */
    @POST
    @Path("/{id}/revert")
    public byte[] revert(@PathParam("id") String id) {
        return Json.encode(command(() -> proposals.revert(id)));
    }

    private static <T> T command(Supplier<T> action) {
        try {
            return action.get();
        } catch (NoSuchElementException e) {
            throw new NotFoundException(error(404, e.getMessage()));
        } catch (IllegalStateException e) { // ConfigRepository.ConflictException too
            throw new WebApplicationException(error(409, e.getMessage()));
        }
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON)
                .entity(Json.encode(Map.of("error", message == null ? "" : message))).build();
    }
}
