package io.patinox.evolution.service;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.config.EvolutionConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Judges merged proposals by their effect: once the config version a proposal was merged as has seen
 * {@code outcome.min-steps} steps, its agent's totals are compared with those of the version before it
 * ({@link Outcome}) and the proposal becomes {@code IMPROVED}, {@code NO_EFFECT} or {@code REGRESSED}. A regressed
 * one is to be undone: {@link #revertOf} drafts the revert.
 */
@ApplicationScoped
public class OutcomeJudge {

    /** Kind of the proposals that undo a merged one. */
    public static final String REVERT = "revert";

    private final EvolutionConfig config;
    private final AggregateView view;
    private final ProposalLedger ledger;

    @Inject
    public OutcomeJudge(EvolutionConfig config, AggregateView view, ProposalLedger ledger) {
        this.config = config;
        this.view = view;
        this.ledger = ledger;
    }

    /** The merged proposals {@code a} (an agent's total) is the verdict on, judged and recorded. */
    public List<EvolutionProposal> judge(TelemetryAggregate a) {
        if (!TelemetryAggregate.TOTAL.equals(a.window()) || a.tool() != null || a.validator() != null
                || a.subject().endsWith("|clusters") || a.steps() < config.outcome().minSteps()) {
            return List.of();
        }
        List<EvolutionProposal> judged = new ArrayList<>();
        for (EvolutionProposal p : ledger.all()) {
            if (p.status() != ProposalStatus.MERGED || !p.agent().equals(a.agent())
                    || !a.configVersion().equals(p.evidence().get("mergedConfigVersion"))) {
                continue;
            }
            Optional<TelemetryAggregate> before = view.find(a.agent(), p.evidence().get("previousConfigVersion"),
                    TelemetryAggregate.TOTAL).stream()
                    .filter(x -> x.tool() == null && x.validator() == null && !x.subject().endsWith("|clusters"))
                    .findFirst();
            if (before.isEmpty() || before.get().steps() == 0) {
                continue;
            }
            Outcome outcome = Outcome.judge(p.kind(), before.get(), a, config.outcome().tolerance());
            Map<String, String> evidence = new LinkedHashMap<>(p.evidence());
            evidence.putAll(outcome.evidence());
            judged.add(ledger.record(p, outcome.status(), evidence));
        }
        return judged;
    }

    /**
     * The draft undoing a regressed proposal: {@code changes} gives the files it changed their content before it
     * (null: remove the file).
     */
    public static Draft revertOf(EvolutionProposal regressed, Map<String, String> changes) {
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("reverts", regressed.proposalId());
        evidence.put("regression", regressed.evidence().getOrDefault("outcome", ""));
        return new Draft(REVERT + "|" + regressed.proposalId(), REVERT, regressed.agent(),
                regressed.evidence().get("mergedConfigVersion"), "Revert proposal " + regressed.proposalId() + " ("
                        + regressed.kind() + "): the aggregates of its config version regressed",
                changes, evidence);
    }
}
