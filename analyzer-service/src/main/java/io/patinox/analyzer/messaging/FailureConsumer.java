package io.patinox.analyzer.messaging;

import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.analyzer.service.FailureClusterService;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TelemetryAggregate;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Feeds failure steps to the {@link FailureClusterService} and publishes the changed clusters aggregate. A record
 * its deserializer refuses arrives as null and is skipped here: the aggregation topology already parks it in
 * {@code patinox.dlq.steps}.
 */
@ApplicationScoped
public class FailureConsumer {

    /** The incoming channel (steps). */
    public static final String CHANNEL = "failures";
    /** The outgoing channel (aggregates). */
    public static final String OUT = "cluster-aggregates";

    private final AnalyzerConfig config;
    private final FailureClusterService clusters;
    private final Emitter<Record<String, TelemetryAggregate>> aggregates;

    FailureConsumer(AnalyzerConfig config, FailureClusterService clusters,
                    @Channel(OUT) Emitter<Record<String, TelemetryAggregate>> aggregates) {
        this.config = config;
        this.clusters = clusters;
        this.aggregates = aggregates;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(List<StepEvent> payloads) throws Exception {
        if (!config.clusters().enabled()) {
            return;
        }
        List<StepEvent> steps = payloads.stream().filter(Objects::nonNull).toList();
        // A whole poll at once: one embedding call and one Lance version for all its failures.
        for (var aggregate : clusters.record(steps)) {
            // On a worker thread: waiting for the broker's ack keeps order and surfaces failures.
            aggregates.send(Record.of(aggregate.subject(), aggregate))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
