package io.patinox.analyzer.messaging;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.patinox.analyzer.config.AnalyzerConfig;
import io.patinox.analyzer.service.FailureClusterService;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TelemetryAggregate;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.TracingMetadata;
import io.smallrye.reactive.messaging.kafka.Record;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Feeds failure steps to the {@link FailureClusterService} and publishes the changed clusters aggregate. A record
 * its deserializer refuses arrives as null and is skipped here: the aggregation topology already parks it in
 * {@code patinox.dlq.steps}. Each poll runs in a {@value #SPAN} span linked to the traces of the steps it read (their
 * {@code traceparent} headers); the aggregates it publishes carry that span as their parent, so a trace leads from
 * a task's steps to the clusters aggregate and on to the proposal drafted from it.
 */
@ApplicationScoped
public class FailureConsumer {

    /** The incoming channel (steps). */
    public static final String CHANNEL = "failures";
    /** The outgoing channel (aggregates). */
    public static final String OUT = "cluster-aggregates";
    /** The span of one poll. */
    public static final String SPAN = "analyzer.failure-clusters";
    /** Most step traces one span links to. */
    static final int MAX_LINKS = 64;
    static final AttributeKey<Long> STEPS = AttributeKey.longKey("patinox.steps");
    static final AttributeKey<Long> AGGREGATES = AttributeKey.longKey("patinox.aggregates");

    private static final Pattern TRACEPARENT = Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

    private final AnalyzerConfig config;
    private final FailureClusterService clusters;
    private final Emitter<Record<String, TelemetryAggregate>> aggregates;
    private final Tracer tracer;

    FailureConsumer(AnalyzerConfig config, FailureClusterService clusters,
            @Channel(OUT) Emitter<Record<String, TelemetryAggregate>> aggregates, Tracer tracer) {
        this.config = config;
        this.clusters = clusters;
        this.aggregates = aggregates;
        this.tracer = tracer;
    }

    @Incoming(CHANNEL)
    @Blocking
    public void consume(ConsumerRecords<String, StepEvent> records) throws Exception {
        if (!config.clusters().enabled()) {
            return;
        }
        List<StepEvent> steps = new ArrayList<>();
        SpanBuilder builder = tracer.spanBuilder(SPAN).setNoParent();
        int links = 0;
        for (ConsumerRecord<String, StepEvent> record : records) {
            if (record.value() == null) {
                continue;
            }
            steps.add(record.value());
            Header header = record.headers().lastHeader("traceparent");
            String traceparent = header == null ? "" : new String(header.value(), StandardCharsets.US_ASCII);
            if (links < MAX_LINKS && TRACEPARENT.matcher(traceparent).matches()) {
                String[] parts = traceparent.split("-");
                builder.addLink(SpanContext.createFromRemoteParent(parts[1], parts[2], TraceFlags.fromHex(parts[3], 0),
                        TraceState.getDefault()));
                links++;
            }
        }
        if (steps.isEmpty()) {
            return;
        }
        Span span = builder.setAttribute(STEPS, (long) steps.size()).startSpan();
        try (var scope = span.makeCurrent()) {
            // A whole poll at once: one embedding call and one Lance version for all its failures.
            List<TelemetryAggregate> changed = clusters.record(steps);
            span.setAttribute(AGGREGATES, (long) changed.size());
            for (var aggregate : changed) {
                send(aggregate);
            }
        } catch (Exception e) {
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }

    /** Publishes one aggregate as a child of the current span and waits for the broker's ack (order, failures). */
    private void send(TelemetryAggregate aggregate) throws Exception {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        aggregates.send(Message.of(Record.of(aggregate.subject(), aggregate))
                .addMetadata(TracingMetadata.withCurrent(Context.current()))
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                }));
        acked.get(30, TimeUnit.SECONDS);
    }
}
