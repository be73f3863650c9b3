package io.patinox.executor.rest;

import io.patinox.executor.messaging.ValidationGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only when the validation gateway's reply consumer holds its partitions: before that, verdicts could be missed. */
@Readiness
@ApplicationScoped
public class GatewayReadiness implements HealthCheck {

    @Inject
    ValidationGateway gateway;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("validation-gateway")
                .status(gateway.isReady())
                .withData("pendingRequests", gateway.pendingCount())
                .build();
    }
}
