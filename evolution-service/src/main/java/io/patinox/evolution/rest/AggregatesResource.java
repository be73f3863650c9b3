package io.patinox.evolution.rest;

import io.patinox.contracts.json.Json;
import io.patinox.evolution.service.AggregateView;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/** The latest aggregate per subject, as the evolution service received it. */
@Path("/aggregates")
public class AggregatesResource {

    @Inject
    AggregateView view;

    /** {@code GET /aggregates?agent=&version=&window=}: a JSON array of {@code TelemetryAggregate}. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public byte[] aggregates(@QueryParam("agent") String agent, @QueryParam("version") String version,
            @QueryParam("window") String window) {
        return Json.encode(view.find(blankToNull(agent), blankToNull(version), blankToNull(window)));
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
