package io.patinox.analyzer.rest;

import io.patinox.analyzer.service.AggregateQueries;
import io.patinox.contracts.json.Json;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/** The current aggregates, filtered by agent, config version, window and optionally tool or validator. */
@Path("/aggregates")
public class AggregatesResource {

    @Inject
    AggregateQueries queries;

    /**
     * {@code GET /aggregates?agent=&version=&window=&tool=&validator=}: a JSON array of {@code TelemetryAggregate},
     * in the same encoding as on {@code patinox.aggregates}. Without {@code tool} or {@code validator}, the
     * agent-level aggregates; {@code tool=lookup} (or {@code tool=*}) those of a tool (every tool), likewise
     * {@code validator}; both at once is a 400. 503 while the state stores are being restored or rebalanced.
     */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response aggregates(@QueryParam("agent") String agent, @QueryParam("version") String version,
            @QueryParam("window") String window, @QueryParam("tool") String tool,
            @QueryParam("validator") String validator) {
        if (blankToNull(tool) != null && blankToNull(validator) != null) {
            return Response.status(Response.Status.BAD_REQUEST)
                    .entity("{\"error\":\"an aggregate is narrowed to a tool or a validator, not both\"}").build();
        }
        try {
            return Response.ok(Json.encode(queries.find(blankToNull(agent), blankToNull(version),
                    blankToNull(window), blankToNull(tool), blankToNull(validator)))).build();
        } catch (InvalidStateStoreException e) {
            return Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .entity("{\"error\":\"aggregates are being restored, retry shortly\"}").build();
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
