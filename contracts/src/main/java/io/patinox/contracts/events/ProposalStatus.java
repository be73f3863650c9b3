package io.patinox.contracts.events;

/** The life of an evolution proposal, in order. */
public enum ProposalStatus {
    /** Drafted from aggregates; not yet evaluated. */
    DRAFTED,
    /** The replay showed it would break known-good steps or let known attacks through; not opened. */
    REJECTED,
    /** Committed on its branch and opened for review. */
    OPENED,
    /** Merged into the config repository. */
    MERGED,
    /** After merge, the aggregates of the new config version are better. */
    IMPROVED,
    /** After merge, no measurable difference. */
    NO_EFFECT,
    /** After merge, the aggregates are worse; a revert is drafted. */
    REGRESSED,
    /** Reverted. */
    REVERTED
}
