package io.patinox.runtime;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * Every service's clock: the system's in production; a test may produce a fixed one instead
 * (docs/adr/0006-time-is-injected.md).
 */
@Singleton
public class Clocks {

    @Produces
    @Singleton
    @DefaultBean
    Clock systemClock() {
        return Clock.systemUTC();
    }
}
