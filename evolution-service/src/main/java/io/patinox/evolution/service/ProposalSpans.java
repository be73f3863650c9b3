package io.patinox.evolution.service;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.patinox.contracts.events.EvolutionProposal;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * One span per drafted proposal ({@value #NAME}), around its replay and opening, linked to the traces of the steps
 * that motivated it (the {@code traceparents} of its evidence): from a task's trace one reaches the proposal it
 * caused, and back. Its attributes name the proposal, its kind, agent and the status it reached.
 */
final class ProposalSpans {

    /** The span's name. */
    static final String NAME = "evolution.proposal";
    static final AttributeKey<String> ID = AttributeKey.stringKey("patinox.proposal.id");
    static final AttributeKey<String> KIND = AttributeKey.stringKey("patinox.proposal.kind");
    static final AttributeKey<String> AGENT = AttributeKey.stringKey("patinox.agent");
    static final AttributeKey<String> STATUS = AttributeKey.stringKey("patinox.proposal.status");

    private final Tracer tracer;

    ProposalSpans(Tracer tracer) {
        this.tracer = tracer;
    }

    /** Runs {@code work} (the draft's submission) inside the draft's span. */
    Optional<EvolutionProposal> around(Draft draft, Supplier<Optional<EvolutionProposal>> work) {
        SpanBuilder builder = tracer.spanBuilder(NAME).setAttribute(ID, draft.id()).setAttribute(KIND, draft.kind())
                .setAttribute(AGENT, draft.agent());
        String traceparents = draft.evidence().get("traceparents");
        if (traceparents != null) {
            traceparents.lines().forEach(line -> {
                String[] parts = line.substring(line.lastIndexOf(' ') + 1).split("-");
                if (parts.length == 4) {
                    builder.addLink(SpanContext.createFromRemoteParent(parts[1], parts[2],
                            TraceFlags.fromHex(parts[3], 0), TraceState.getDefault()));
                }
            });
        }
        Span span = builder.startSpan();
        try (var scope = span.makeCurrent()) {
            Optional<EvolutionProposal> made = work.get();
            made.ifPresent(p -> span.setAttribute(STATUS, p.status().name()));
            return made;
        } catch (RuntimeException e) {
            span.recordException(e);
            throw e;
        } finally {
            span.end();
        }
    }
}
