package io.patinox.evolution.rest;

import io.patinox.contracts.json.Json;
import io.patinox.evolution.service.ProposalService;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;

/** Proposals made since start: list, and one with its diff. */
@Path("/proposals")
public class ProposalsResource {

    @Inject
    ProposalService proposals;

    /** {@code GET /proposals}: a JSON array of {@code EvolutionProposal}. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] list() {
        return Json.encode(proposals.all());
    }

    /** {@code GET /proposals/{id}}: {@code {"proposal": ..., "diff": "..."}}. */
    @GET
    @Path("/{id}")
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] show(@PathParam("id") String id) {
        var proposal = proposals.get(id).orElseThrow(() -> new NotFoundException("no proposal " + id));
        var body = new LinkedHashMap<String, Object>();
        body.put("proposal", proposal);
        body.put("diff", proposals.diff(id).orElse(""));
        return Json.encode(body);
    }
}
