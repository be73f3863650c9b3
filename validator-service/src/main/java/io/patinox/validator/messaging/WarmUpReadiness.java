package io.patinox.validator.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Ready once the request path is warm ({@link RequestPathWarmUp}): a requester's first steps are then answered in
 * milliseconds instead of up to a second per partition. Bounded by {@code patinox.validator.warm-up-timeout}.
 */
@Readiness
@ApplicationScoped
public class WarmUpReadiness implements HealthCheck {

    @Inject
    RequestPathWarmUp warmUp;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("request-path-warm-up").status(warmUp.finished()).build();
    }
}
