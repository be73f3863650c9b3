package io.patinox.evolution.service;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.config.EvolutionConfig;
import io.patinox.evolution.replay.StepRecorder;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Watches block rates across commits. A config version whose block rate is {@code rules.block-rate-jump} above its
 * parent commit's (both with enough steps) has the commit that made the difference flagged ({@code DRAFTED}, kind
 * {@code block-rate-jump}, its diff shown by {@code GET /proposals/{id}}), naming the validators whose blocks rose
 * in the recorded steps. Not opened: whether to revert it is a reviewer's call, through {@code POST /proposals}.
 */
@ApplicationScoped
public class BlockRateWatch {

    /** Kind of the flags. */
    public static final String KIND = "block-rate-jump";

    private final EvolutionConfig config;
    private final AggregateView view;
    private final StepRecorder recorder;
    private final ConfigRemote remote;
    private final ProposalLedger ledger;
    private final Set<String> fetchedFor = new HashSet<>();

    @Inject
    public BlockRateWatch(EvolutionConfig config, AggregateView view, StepRecorder recorder, ConfigRemote remote,
            ProposalLedger ledger) {
        this.config = config;
        this.view = view;
        this.recorder = recorder;
        this.remote = remote;
        this.ledger = ledger;
    }

    /** The flag {@code a} raises, recorded; empty when its block rate did not jump or the jump is flagged already. */
    public synchronized Optional<EvolutionProposal> flag(TelemetryAggregate a) {
        Optional<ConfigRepository> clone = remote.repository();
        if (!TelemetryAggregate.TOTAL.equals(a.window()) || a.tool() != null || a.subject().endsWith("|clusters")
                || a.steps() < config.rules().minSteps() || clone.isEmpty()) {
            return Optional.empty();
        }
        CommitHistory history = clone.get().history();
        if (!history.knows(a.configVersion()) && a.configVersion().matches("[0-9a-f]{40}")
                && fetchedFor.add(a.configVersion())) {
            clone.get().fetch(); // the version may be newer than the last fetch; once per unknown version
        }
        Optional<String> parent = history.parentOf(a.configVersion());
        if (parent.isEmpty()) {
            return Optional.empty();
        }
        String previousVersion = parent.get();
        Optional<TelemetryAggregate> previous = view.find(a.agent(), previousVersion, TelemetryAggregate.TOTAL).stream()
                .filter(x -> x.tool() == null && Objects.equals(x.validator(), a.validator())
                        && !x.subject().endsWith("|clusters") && x.steps() >= config.rules().minSteps())
                .findFirst();
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        double before = blockRate(previous.get());
        double after = blockRate(a);
        String key = KIND + "|" + a.agent() + "|" + a.configVersion() + "|" + a.validator();
        if (after - before < config.rules().blockRateJump() || ledger.get(Draft.idOf(key)).isPresent()) {
            return Optional.empty();
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("aggregate", a.subject());
        evidence.put("blockRate", String.format(Locale.ROOT, "%.3f (%d steps at %s) -> %.3f (%d steps at %s)",
                before, previous.get().steps(), previousVersion, after, a.steps(), a.configVersion()));
        evidence.put("threshold", Double.toString(config.rules().blockRateJump()));
        evidence.put("suspectCommit", a.configVersion());
        evidence.put("suspectCommitMessage", history.message(a.configVersion()).lines().findFirst().orElse(""));
        evidence.put("changedPaths", String.join(", ", history.changedPaths(a.configVersion())));
        String validators = recorder.blockRatesByValidator(a.agent(), previousVersion, a.configVersion());
        if (!validators.isEmpty()) {
            evidence.put("validators", validators);
        }
        String who = a.validator() != null ? "validator " + a.validator() + " of " + a.agent() : a.agent();
        String summary = String.format(Locale.ROOT, "The block rate of %s jumped from %.0f %% to %.0f %% with commit %s",
                who, before * 100, after * 100, a.configVersion().substring(0, Math.min(12, a.configVersion().length())));
        Draft flag = new Draft(key, KIND, a.agent(), previousVersion, summary, Map.of(), evidence);
        return Optional.of(ledger.record(flag, ProposalStatus.DRAFTED, null, a.configVersion(), null, evidence));
    }

    private static double blockRate(TelemetryAggregate a) {
        return a.steps() == 0 ? 0 : (double) a.verdicts().getOrDefault("block", 0L) / a.steps();
    }
}
