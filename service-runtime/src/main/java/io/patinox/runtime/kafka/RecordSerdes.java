package io.patinox.runtime.kafka;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ReviewDecision;
import io.patinox.contracts.events.ReviewRequest;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;

/**
 * The serializer and the deserializer of each contract record. One class per record type and direction, because
 * Quarkus picks a channel's serde by its payload type (a {@code Serializer<StepEvent>} for an
 * {@code Emitter<StepEvent>}, a {@code Deserializer<TaskSubmitted>} for an {@code @Incoming} of
 * {@code TaskSubmitted}), so no channel names one in {@code application.properties}. The pairs differ only in the
 * suffix: SmallRye's dead-letter producer finds a channel's serializer by that name.
 */
public final class RecordSerdes {

    private RecordSerdes() {
    }

    public static final class EvolutionProposalSerializer extends ContractSerializer<EvolutionProposal> {
    }

    public static final class EvolutionProposalDeserializer extends ContractDeserializer<EvolutionProposal> {
    }

    public static final class ReviewDecisionSerializer extends ContractSerializer<ReviewDecision> {
    }

    public static final class ReviewDecisionDeserializer extends ContractDeserializer<ReviewDecision> {
    }

    public static final class ReviewRequestSerializer extends ContractSerializer<ReviewRequest> {
    }

    public static final class ReviewRequestDeserializer extends ContractDeserializer<ReviewRequest> {
    }

    public static final class RunResultSerializer extends ContractSerializer<RunResult> {
    }

    public static final class RunResultDeserializer extends ContractDeserializer<RunResult> {
    }

    public static final class StepEventSerializer extends ContractSerializer<StepEvent> {
    }

    public static final class StepEventDeserializer extends ContractDeserializer<StepEvent> {
    }

    public static final class TaskSubmittedSerializer extends ContractSerializer<TaskSubmitted> {
    }

    public static final class TaskSubmittedDeserializer extends ContractDeserializer<TaskSubmitted> {
    }

    public static final class TelemetryAggregateSerializer extends ContractSerializer<TelemetryAggregate> {
    }

    public static final class TelemetryAggregateDeserializer extends ContractDeserializer<TelemetryAggregate> {
    }

    public static final class ValidationReplySerializer extends ContractSerializer<ValidationReply> {
    }

    public static final class ValidationReplyDeserializer extends ContractDeserializer<ValidationReply> {
    }

    public static final class ValidationRequestSerializer extends ContractSerializer<ValidationRequest> {
    }

    public static final class ValidationRequestDeserializer extends ContractDeserializer<ValidationRequest> {
    }
}
