package io.patinox.evolution.service;

import io.opentelemetry.api.trace.Tracer;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.ai.ModelAgentDrafter;
import io.patinox.evolution.ai.ScriptedInstructionDrafter;
import io.patinox.evolution.config.EvolutionConfig;
import io.patinox.evolution.replay.ReplayReport;
import io.patinox.evolution.replay.StepRecorder;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * The life of proposals. A draft (from the rules, an outcome check, or {@code POST /proposals}) is replayed through
 * the validator chain with and without the change ({@link DraftReplay}); refused by the replay it is
 * {@code REJECTED} with its evidence, otherwise it is committed on its branch of evolution's clone of the config
 * remote, pushed, and opened for review ({@code OPENED}, {@link ConfigRemote}). Approval merges it into the main
 * branch ({@code MERGED}); {@link OutcomeJudge} later says whether it helped, and a regression drafts its revert. A
 * revert restores the previous files ({@code REVERTED}). Every status change goes through the
 * {@link ProposalLedger}. Without a config repository drafts are only recorded ({@code DRAFTED}). A proposal's id
 * derives from what justified it, so the same facts never open it twice, even across restarts (the branch exists).
 * The drafting model, when configured, stands in front of the {@code revise-instructions} rule ({@link ModelDrafts});
 * every drafted proposal names what motivated it ({@link Motivation}) and gets a span linked to those steps'
 * traces ({@link ProposalSpans}).
 */
@ApplicationScoped
public class ProposalService {

    private static final Logger LOG = Logger.getLogger(ProposalService.class);
    private static final List<ProposalStatus> MERGED = List.of(ProposalStatus.MERGED, ProposalStatus.IMPROVED,
            ProposalStatus.NO_EFFECT, ProposalStatus.REGRESSED);

    private final ProposalLedger ledger;
    private final ConfigRemote remote;
    private final DraftReplay replay;
    private final OutcomeJudge outcomes;
    private final BlockRateWatch blockRates;
    private final ProposalRules rules;
    private final ModelDrafts drafts;
    private final Motivation motivation;
    private final ProposalSpans spans;

    @Inject
    public ProposalService(EvolutionConfig config, ProposalLedger ledger, ConfigRemote remote, DraftReplay replay,
            OutcomeJudge outcomes, BlockRateWatch blockRates, StepRecorder recorder, Tracer tracer) {
        this.ledger = ledger;
        this.remote = remote;
        this.replay = replay;
        this.outcomes = outcomes;
        this.blockRates = blockRates;
        this.rules = new ProposalRules(config.rules(), new ScriptedInstructionDrafter());
        this.drafts = new ModelDrafts(ModelAgentDrafter.of(config.drafter()), config.drafter(),
                config.rules().minClusterSize());
        this.motivation = new Motivation(recorder);
        this.spans = new ProposalSpans(tracer);
    }

    /** Says at start who drafts changes to agents: the model, or the rules alone. */
    void started(@Observes StartupEvent event) {
        LOG.info(drafts.describe());
    }

    /** The proposals this aggregate gives rise to that were not made before; also judges merged proposals. */
    public synchronized List<EvolutionProposal> consider(TelemetryAggregate aggregate) {
        List<EvolutionProposal> made = new ArrayList<>();
        for (EvolutionProposal judged : outcomes.judge(aggregate)) {
            made.add(judged);
            if (judged.status() == ProposalStatus.REGRESSED) {
                submit(OutcomeJudge.revertOf(judged, remote.contentBefore(judged))).ifPresent(made::add);
            }
        }
        blockRates.flag(aggregate).ifPresent(made::add);
        // The drafts read the agent's files on the main branch: fetched first when the aggregate is about a commit
        // the clone does not hold yet (an agent added or changed since the last fetch).
        remote.repository().ifPresent(r -> r.fetchFor(aggregate.configVersion()));
        Function<String, Optional<String>> read = remote.repository()
                .<Function<String, Optional<String>>> map(r -> r::read).orElse(path -> Optional.empty());
        List<String> policies = remote.repository().map(r -> r.list("policies").stream()
                .filter(n -> n.endsWith(".yaml")).map(n -> n.substring(0, n.length() - ".yaml".length())).toList())
                .orElse(List.of());
        for (ModelDrafts.Drafted drafted : drafts.draft(aggregate, rules.draft(aggregate, read), read, policies,
                this::known)) {
            Draft draft = motivation.of(drafted.draft(), aggregate);
            (drafted instanceof ModelDrafts.Drafted.Refuse refuse ? refuse(draft, refuse.reason()) : submit(draft))
                    .ifPresent(made::add);
        }
        return made;
    }

    /** Whether proposal {@code id} exists: recorded, or its branch pushed by an earlier run. */
    private boolean known(String id) {
        return ledger.get(id).isPresent() || remote.hasBranch(id);
    }

    /** Records a draft refused before any replay ({@code REJECTED}, the reason in {@code refused}); never committed. */
    public synchronized Optional<EvolutionProposal> refuse(Draft draft, String reason) {
        if (known(draft.id())) {
            return Optional.empty();
        }
        return spans.around(draft, () -> {
            LOG.warnf("Proposal %s refused: %s", draft.id(), reason);
            return Optional.of(ledger.record(draft, ProposalStatus.REJECTED, null, null, null, draft.evidence()));
        });
    }

    /**
     * Evaluates a draft and opens it, or rejects it with the replay's evidence; empty when the same proposal
     * exists already.
     */
    public synchronized Optional<EvolutionProposal> submit(Draft draft) {
        if (known(draft.id())) {
            return Optional.empty(); // no span either: nothing happens
        }
        return spans.around(draft, () -> replayAndOpen(draft));
    }

    private Optional<EvolutionProposal> replayAndOpen(Draft draft) {
        Optional<ConfigRepository> clone = remote.repository();
        Map<String, String> evidence = new LinkedHashMap<>(draft.evidence());
        if (draft.baseVersion() == null) {
            // Submitted by hand: drafted against the main branch as it is now.
            draft = new Draft(draft.key(), draft.kind(), draft.agent(), clone.map(ConfigRepository::head)
                    .orElse("unversioned"), draft.summary(), draft.changes(), draft.evidence());
        }
        if (clone.isEmpty()) {
            // Nothing to commit to (committing off, as in Kubernetes): the draft is still replayed, on the config
            // directory as the services read it.
            Optional<ReplayReport> report = replay.onConfigDir(draft);
            report.ifPresent(r -> evidence.putAll(r.evidence()));
            ProposalStatus status = report.map(ReplayReport::passed).orElse(true)
                    ? ProposalStatus.DRAFTED
                    : ProposalStatus.REJECTED;
            return Optional.of(ledger.record(draft, status, null, null, null, evidence));
        }
        ConfigRepository repo = clone.get();
        repo.fetch();
        String base = repo.head();
        evidence.put("draftedOn", base);
        Optional<ReplayReport> report = replay.onRepository(repo, base, draft);
        report.ifPresent(r -> evidence.putAll(r.evidence()));
        if (report.isPresent() && !report.get().passed()) {
            LOG.warnf("Proposal %s refused by its replay: %s", draft.id(), report.get().refusal());
            return Optional.of(ledger.record(draft, ProposalStatus.REJECTED, null, null, null, evidence));
        }
        ConfigRemote.Opened opened = remote.open(draft, base, evidence);
        return Optional.of(ledger.record(draft, ProposalStatus.OPENED, opened.branch(), opened.commit(),
                opened.review(), evidence));
    }

    /** Merges an opened proposal into the main branch (through the pull request when there is one). */
    public synchronized EvolutionProposal approve(String id) {
        EvolutionProposal p = ledger.find(id);
        if (p.status() != ProposalStatus.OPENED) {
            throw new IllegalStateException("proposal " + id + " is " + p.status() + ", not " + ProposalStatus.OPENED);
        }
        ConfigRepository.Merge merge = remote.merge(p, ledger.review(id));
        Map<String, String> evidence = new LinkedHashMap<>(p.evidence());
        evidence.put("previousConfigVersion", merge.before());
        evidence.put("mergedConfigVersion", merge.after());
        EvolutionProposal merged = ledger.record(p, ProposalStatus.MERGED, evidence);
        if (OutcomeJudge.REVERT.equals(p.kind()) && p.evidence().containsKey("reverts")) {
            // Merging a revert proposal reverts the proposal it undoes.
            ledger.get(p.evidence().get("reverts")).ifPresent(original -> {
                Map<String, String> e = new LinkedHashMap<>(original.evidence());
                e.put("revertedConfigVersion", original.evidence().getOrDefault("mergedConfigVersion", ""));
                e.put("configVersionAfterRevert", merge.after());
                e.put("revertedBy", id);
                ledger.record(original, ProposalStatus.REVERTED, e);
            });
        }
        return merged;
    }

    /** Rejects a proposal under review. */
    public synchronized EvolutionProposal reject(String id, String reason) {
        EvolutionProposal p = ledger.find(id);
        if (p.status() != ProposalStatus.OPENED && p.status() != ProposalStatus.DRAFTED) {
            throw new IllegalStateException("proposal " + id + " is " + p.status() + "; only OPENED or DRAFTED ones"
                    + " can be rejected");
        }
        ledger.review(id).ifPresent(remote::close);
        Map<String, String> evidence = new LinkedHashMap<>(p.evidence());
        evidence.put("rejectedBy", reason == null || reason.isBlank() ? "reviewer" : reason);
        return ledger.record(p, ProposalStatus.REJECTED, evidence);
    }

    /** Restores the files a merged proposal changed to their content before it was merged, on the main branch. */
    public synchronized EvolutionProposal revert(String id) {
        EvolutionProposal p = ledger.find(id);
        if (!MERGED.contains(p.status())) {
            throw new IllegalStateException("proposal " + id + " is " + p.status() + "; only merged ones can be reverted");
        }
        ConfigRepository.Merge restore = remote.restore(p);
        Map<String, String> evidence = new LinkedHashMap<>(p.evidence());
        evidence.put("revertedConfigVersion", p.evidence().get("mergedConfigVersion"));
        evidence.put("configVersionAfterRevert", restore.after());
        return ledger.record(p, ProposalStatus.REVERTED, evidence);
    }

    /** Takes a proposal event from the topic's history ({@link ProposalLedger#restore}). */
    public void restore(EvolutionProposal p) {
        ledger.restore(p);
    }

    /** Every proposal, oldest first. */
    public List<EvolutionProposal> all() {
        return ledger.all();
    }

    /** One proposal. */
    public Optional<EvolutionProposal> get(String id) {
        return ledger.get(id);
    }

    /** The diff of a committed proposal, or empty. */
    public synchronized Optional<String> diff(String id) {
        return ledger.get(id).flatMap(remote::diff);
    }
}
