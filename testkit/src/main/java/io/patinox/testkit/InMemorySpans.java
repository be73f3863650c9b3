package io.patinox.testkit;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * Collects the spans a service exports during its tests (picked up by quarkus-opentelemetry's CDI exporter); a test
 * injects the {@link InMemorySpanExporter} to read them. The testkit's Jandex index makes it a bean of every Quarkus
 * module that tests with the testkit.
 */
@ApplicationScoped
public class InMemorySpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
