package io.patinox.contracts.events;

import io.patinox.contracts.json.OptionalField;
import java.time.Instant;
import java.util.Map;

/**
 * A proposed change to an agent's configuration, and its fate. Every status change is published again.
 * Topic {@code patinox.proposals}, key: {@code proposalId}.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param proposalId the proposal
 * @param agent the agent whose configuration changes
 * @param kind what kind of change, e.g. {@code raise-deadline}, {@code revise-instructions}
 * @param status where the proposal stands
 * @param summary one line for a reviewer
 * @param baseConfigVersion the config commit the change was drafted against
 * @param branch the git branch holding the change, once committed
 * @param commit the commit of the change, once committed
 * @param reviewUrl the pull request or local review record, once opened
 * @param evidence what justified it: aggregates before, replay results, outcome after merge
 * @param occurredAt when the status changed
 */
public record EvolutionProposal(int schemaVersion, String proposalId, String agent, String kind,
        ProposalStatus status, String summary, String baseConfigVersion, @OptionalField String branch,
        @OptionalField String commit, @OptionalField String reviewUrl, Map<String, String> evidence,
        Instant occurredAt) implements Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public EvolutionProposal {
        Checks.version(schemaVersion, SCHEMA_VERSION, "EvolutionProposal");
        Checks.requiredText(proposalId, "proposalId");
        Checks.requiredText(agent, "agent");
        Checks.requiredText(kind, "kind");
        Checks.required(status, "status");
        Checks.required(summary, "summary");
        Checks.requiredText(baseConfigVersion, "baseConfigVersion");
        evidence = Checks.map(evidence);
        Checks.required(occurredAt, "occurredAt");
    }
}
