package io.patinox.executor.admission;

import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.rest.ApiKeys;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses {@code POST /tasks} of an API key whose request rate is used up before anything else is done: on the I/O
 * thread, before the body is read or a worker thread is taken, so that a key flooding the door costs the other
 * callers as little as possible. Whatever passes is decided in full by {@link Admission#atDoor}, which takes the
 * bucket's token; this only looks.
 */
@ApplicationScoped
public class DoorThrottle {

    @Inject
    ExecutorConfig config;
    @Inject
    QuotaLedger ledger;
    @Inject
    AdmissionMetrics metrics;

    private volatile ApiKeys keys;

    /** Runs after the API key check ({@code ApiKeyFilter}, priority {@link Priorities#AUTHENTICATION}). */
    @ServerRequestFilter(nonBlocking = true, priority = Priorities.USER)
    public Optional<Response> check(ContainerRequestContext request) {
        if (!config.auth().enabled() || !config.quota().enabled() || !"POST".equals(request.getMethod())
                || !request.getUriInfo().getPath().endsWith("tasks")) {
            return Optional.empty();
        }
        Optional<String> key = ApiKeys.presented(request.getHeaderString(ApiKeys.HEADER),
                request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (key.isEmpty() || !keys().accepts(key.get())) {
            return Optional.empty();
        }
        return ledger.rateExhausted(ApiKeys.id(key.get())).map(refusal -> {
            metrics.count(refusal, "rest");
            return Response.status(refusal.kind().status()).type(MediaType.APPLICATION_JSON_TYPE)
                    .header("Retry-After", refusal.retryAfterSeconds()).entity(Map.of("error", refusal.message())).build();
        });
    }

    private ApiKeys keys() {
        if (keys == null) {
            keys = new ApiKeys(config.apiKeys().orElse(List.of()));
        }
        return keys;
    }
}
