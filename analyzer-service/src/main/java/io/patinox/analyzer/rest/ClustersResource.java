package io.patinox.analyzer.rest;

import io.patinox.analyzer.service.FailureClusterService;
import io.patinox.contracts.json.Json;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** Failure clusters and similar-failure search. */
@Path("/clusters")
public class ClustersResource {

    @Inject
    FailureClusterService clusters;

    /** {@code GET /clusters?agent=&version=}: the clusters aggregates (as on the topic). */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] clusters(@QueryParam("agent") String agent, @QueryParam("version") String version) {
        return Json.encode(clusters.find(blankToNull(agent), blankToNull(version)));
    }

    /** {@code GET /clusters/similar?text=&k=5}: the stored failures nearest to a text (cosine, Lance). */
    @GET
    @Path("/similar")
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] similar(@QueryParam("text") String text, @QueryParam("k") @DefaultValue("5") int k) {
        List<Map<String, String>> rows = clusters.similar(text == null ? "" : text, Math.max(1, Math.min(k, 50)))
                .stream().map(r -> Map.of("id", r.id(), "agent", r.agent(), "version", r.version(), "kind", r.kind(),
                        "text", r.text()))
                .toList();
        return Json.encode(rows);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
