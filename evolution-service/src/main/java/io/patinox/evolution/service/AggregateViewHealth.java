package io.patinox.evolution.service;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness of the aggregate view: up as soon as the service runs (an empty view is valid before any traffic),
 * with the subject count and the last update as data for operators. The Kafka channel's own readiness check
 * reports whether the consumer is connected.
 */
@Readiness
@ApplicationScoped
public class AggregateViewHealth implements HealthCheck {

    @Inject
    AggregateView view;

    @Override
    public HealthCheckResponse call() {
        var last = view.lastUpdate();
        return HealthCheckResponse.named("aggregate-view").up()
                .withData("subjects", view.size())
                .withData("lastUpdate", last == null ? "none" : last.toString())
                .build();
    }
}
