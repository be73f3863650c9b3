package io.patinox.executor.rest;

import io.patinox.executor.config.ExecutorConfig;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Requires an API key on every REST resource of the executor ({@code /tasks}, {@code /runs}) when
 * {@code patinox.executor.auth.enabled} is true. Health, metrics and OpenAPI are not REST resources and
 * stay open. With auth on and no key configured the service still starts (health and metrics keep
 * working for the platform) but refuses every request with 401 and says which setting is missing.
 */
@ApplicationScoped
public class ApiKeyFilter {

    private static final Logger LOG = Logger.getLogger(ApiKeyFilter.class);
    static final String NO_KEYS = "API key authentication is on but no key is configured:"
            + " set PATINOX_API_KEYS (or patinox.executor.api-keys)";

    @Inject
    ExecutorConfig config;

    @Inject
    ApiKeys keys;

    void onStart(@Observes StartupEvent event) {
        if (!config.auth().enabled()) {
            LOG.warn("REST authentication is off (patinox.executor.auth.enabled=false): anyone who reaches"
                    + " this port can submit tasks");
        } else if (keys.none()) {
            LOG.error(NO_KEYS + "; every request to /tasks and /runs is refused with 401");
        } else {
            LOG.infof("REST authentication on: %d API key(s) configured", config.apiKeys().get().size());
        }
    }

    /** On the I/O thread: it only compares keys, and a request without a valid one should cost next to nothing. */
    @ServerRequestFilter(nonBlocking = true, priority = jakarta.ws.rs.Priorities.AUTHENTICATION)
    public Optional<Response> check(ContainerRequestContext request) {
        if (!config.auth().enabled()) {
            return Optional.empty();
        }
        if (keys.none()) {
            return Optional.of(refuse(NO_KEYS));
        }
        Optional<String> presented = ApiKeys.presented(request.getHeaderString(ApiKeys.HEADER),
                request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (presented.isEmpty()) {
            return Optional.of(refuse("missing API key: send it as 'X-API-Key: <key>' or 'Authorization: Bearer <key>'"));
        }
        if (!keys.accepts(presented.get())) {
            return Optional.of(refuse("invalid API key"));
        }
        return Optional.empty();
    }

    private static Response refuse(String message) {
        return Response.status(Response.Status.UNAUTHORIZED)
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"patinox\"")
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(Map.of("error", message)).build();
    }
}
