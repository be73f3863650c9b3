package io.patinox.executor.admission;

import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.rest.ApiKeys;
import io.quarkus.vertx.http.runtime.filters.Filters;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Optional;

/**
 * Refuses {@code POST /tasks} of an API key whose request rate is used up before anything else is done: a route
 * filter on the I/O thread, ahead of the REST layer, so the refusal is a header lookup, a bucket look and a short
 * answer: no body read, no resource matching, no worker thread. A key flooding the door then costs the other callers
 * as little as the HTTP server allows (ADR 0014). Whatever passes is decided in full by {@link Admission#atDoor},
 * which takes the bucket's token; this only looks. A request without a valid key passes on to {@code ApiKeyFilter},
 * which refuses it with 401.
 */
@ApplicationScoped
public class DoorThrottle {

    /** Ahead of the REST layer's route; Quarkus' own filters (CORS, security headers) use priorities below 1000. */
    static final int PRIORITY = 2_000;

    @Inject
    ExecutorConfig config;
    @Inject
    QuotaLedger ledger;
    @Inject
    AdmissionMetrics metrics;
    @Inject
    ApiKeys keys;

    void register(@Observes Filters filters) {
        filters.register(this::check, PRIORITY);
    }

    void check(RoutingContext context) {
        HttpServerRequest request = context.request();
        Optional<Refusal> refusal = config.auth().enabled() && config.quota().enabled()
                && request.method() == HttpMethod.POST && request.path().endsWith("/tasks")
                        ? ApiKeys.presented(request.getHeader(ApiKeys.HEADER), request.getHeader(HttpHeaders.AUTHORIZATION))
                                .flatMap(keys::idOf).flatMap(ledger::rateExhausted)
                        : Optional.empty();
        if (refusal.isEmpty()) {
            context.next();
            return;
        }
        metrics.count(refusal.get(), "rest");
        context.response().setStatusCode(refusal.get().kind().status())
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .putHeader("Retry-After", Long.toString(refusal.get().retryAfterSeconds()))
                .end(new JsonObject().put("error", refusal.get().message()).encode());
    }
}
