package io.patinox.analyzer.messaging;

import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.analyzer.service.FailureClusterService;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.json.ContractViolation;
import io.patinox.contracts.json.Json;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

/**
 * Feeds failure steps to the {@link FailureClusterService} and publishes the changed clusters aggregate. A record
 * that does not decode is skipped here: the aggregation topology already parks it in {@code patinox.dlq.steps}.
 */
@ApplicationScoped
public class FailureConsumer {

    private static final Logger LOG = Logger.getLogger(FailureConsumer.class);

    /** The incoming channel (steps). */
    public static final String CHANNEL = "failures";
    /** The outgoing channel (aggregates). */
    public static final String OUT = "cluster-aggregates";

    @Inject
    AnalyzerConfig config;

    @Inject
    FailureClusterService clusters;

    @Inject
    @Channel(OUT)
    Emitter<Record<String, byte[]>> aggregates;

    @Incoming(CHANNEL)
    @Blocking
    public void consume(List<byte[]> payloads) throws Exception {
        if (!config.clusters().enabled()) {
            return;
        }
        List<StepEvent> steps = new ArrayList<>(payloads.size());
        for (byte[] payload : payloads) {
            try {
                steps.add(Json.decode(payload, StepEvent.class));
            } catch (ContractViolation e) {
                LOG.debugf("Skipping a step that does not decode (parked by the aggregation topology): %s",
                        e.getMessage());
            }
        }
        // A whole poll at once: one embedding call and one Lance version for all its failures.
        for (var aggregate : clusters.record(steps)) {
            // On a worker thread: waiting for the broker's ack keeps order and surfaces failures.
            aggregates.send(Record.of(aggregate.subject(), Json.encode(aggregate)))
                    .toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }
}
