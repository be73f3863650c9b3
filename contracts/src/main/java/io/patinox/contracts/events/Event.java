package io.patinox.contracts.events;

import java.time.Instant;

/**
 * What every record on a Patinox topic carries: the version of its schema and when it happened.
 * Permitted subtypes are the records of the topics in {@link io.patinox.contracts.topics.Topics}.
 */
public sealed interface Event permits TaskSubmitted, ValidationRequest, ValidationReply, StepEvent, RunResult,
        TelemetryAggregate, EvolutionProposal, ReviewRequest, ReviewDecision {

    /** Version of this record's JSON Schema; a reader refuses versions it does not know. */
    int schemaVersion();

    /** When the event happened, as seen by its producer. */
    Instant occurredAt();
}
