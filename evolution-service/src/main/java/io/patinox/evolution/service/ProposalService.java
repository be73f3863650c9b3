package io.patinox.evolution.service;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.ai.ScriptedInstructionDrafter;
import io.patinox.evolution.config.EvolutionConfig;
import io.patinox.evolution.messaging.ProposalPublisher;
import io.patinox.evolution.replay.ReplayEvaluator;
import io.patinox.evolution.replay.ReplayReport;
import io.patinox.evolution.replay.StepRecorder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * The life of proposals. A draft (from the rules, an outcome check, or {@code POST /proposals}) is replayed through
 * the validator chain with and without the change; refused by the replay it is {@code REJECTED} with its evidence,
 * otherwise it is committed on {@code patinox/proposal-<id>} of evolution's clone of the config remote, pushed, and
 * opened for review ({@code OPENED}). Approval merges it into the main branch ({@code MERGED}); once the new config
 * version has seen enough traffic its aggregates are compared with the previous version's ({@code IMPROVED},
 * {@code NO_EFFECT}, {@code REGRESSED}: a revert is drafted). A revert restores the previous files
 * ({@code REVERTED}). Every status change is published on {@code patinox.proposals}. Without a config repository
 * drafts are only recorded ({@code DRAFTED}). A proposal's id derives from what justified it, so the same facts
 * never open it twice, even across restarts (the branch exists).
 */
@ApplicationScoped
public class ProposalService {

    private static final Logger LOG = Logger.getLogger(ProposalService.class);

    /** Prefix of proposal branches. */
    public static final String BRANCH_PREFIX = "patinox/proposal-";
    /** Kind of the proposals that undo a merged one. */
    public static final String REVERT = "revert";

    @Inject
    EvolutionConfig config;

    @Inject
    StepRecorder recorder;

    @Inject
    ProposalPublisher publisher;

    @Inject
    AggregateView view;

    /** Stamps proposals; the system's unless the container or a test gives another. */
    @Inject
    Clock clock = Clock.systemUTC();

    private ProposalRules rules;
    private Optional<ConfigRepository> repository;
    private PullRequests reviews;
    private ReplayEvaluator replay;
    private final Map<String, EvolutionProposal> proposals = new LinkedHashMap<>();
    private final Map<String, PullRequests.Review> openReviews = new LinkedHashMap<>();
    private final java.util.Set<String> fetchedFor = new java.util.HashSet<>();

    private void open() {
        if (rules != null) {
            return;
        }
        rules = new ProposalRules(config.rules(), new ScriptedInstructionDrafter());
        var r = config.replay();
        replay = new ReplayEvaluator(r.defaultTimeout(), r.attackFiles(), r.goodFiles(), r.labelledFiles());
        repository = Optional.empty();
        if (config.commit()) {
            Optional<Path> checkout = ConfigRepository.checkoutOf(Path.of(config.configDir()));
            Optional<String> remote = config.remote().or(() -> checkout.map(Path::toString));
            if (remote.isPresent()) {
                String configPath = config.configPath().orElseGet(() -> config.remote().isPresent() || checkout.isEmpty()
                        ? "" : checkout.get().relativize(Path.of(config.configDir()).toAbsolutePath().normalize())
                        .toString());
                Path workDir = Path.of(config.workDir().orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"),
                        "patinox-evolution", idOf(remote.get())).toString()));
                repository = Optional.of(ConfigRepository.open(workDir, remote.get(), configPath, config.mainBranch(),
                        config.github().token()));
            }
        }
        var gh = config.github();
        reviews = gh.token().isPresent() && gh.repository().isPresent()
                ? new GitHubPullRequests(gh.apiUrl(), gh.repository().get(), gh.token().get(), gh.timeout())
                : new PullRequests.Local(repository.map(ConfigRepository::remote).orElse("none"));
        LOG.infof("Proposals go to %s (reviews: %s)", repository.map(ConfigRepository::remote)
                .orElse("nowhere (drafts only): committing is off or " + config.configDir()
                        + " is not in a git checkout"), reviews instanceof GitHubPullRequests
                ? "GitHub pull requests on " + gh.repository().get() : "local records");
    }

    /** The proposals this aggregate gives rise to that were not made before; also judges merged proposals. */
    public synchronized List<EvolutionProposal> consider(TelemetryAggregate aggregate) {
        open();
        List<EvolutionProposal> made = new ArrayList<>();
        judgeOutcomes(aggregate).forEach(made::add);
        flagBlockRateJump(aggregate).ifPresent(made::add);
        var read = repository.<java.util.function.Function<String, Optional<String>>>map(r -> r::read)
                .orElse(path -> Optional.empty());
        for (Draft draft : rules.draft(aggregate, read)) {
            submit(draft).ifPresent(made::add);
        }
        return made;
    }

    /**
     * Evaluates a draft and opens it, or rejects it with the replay's evidence; empty when the same proposal
     * exists already.
     */
    public synchronized Optional<EvolutionProposal> submit(Draft draft) {
        open();
        String id = idOf(draft.key());
        String branch = BRANCH_PREFIX + id;
        if (proposals.containsKey(id) || repository.map(r -> r.hasBranch(branch)).orElse(false)) {
            return Optional.empty();
        }
        Map<String, String> evidence = new LinkedHashMap<>(draft.evidence());
        if (draft.baseVersion() == null) {
            // Submitted by hand: drafted against the main branch as it is now.
            draft = new Draft(draft.key(), draft.kind(), draft.agent(), repository.map(ConfigRepository::head)
                    .orElse("unversioned"), draft.summary(), draft.changes(), draft.evidence());
        }
        if (repository.isEmpty()) {
            // No repository to commit to (committing off, as in Kubernetes): the draft is still replayed, on the
            // config directory as the services read it.
            ProposalStatus status = ProposalStatus.DRAFTED;
            if (config.replay().enabled() && Files.isDirectory(Path.of(config.configDir(), "policies"))) {
                ReplayReport report = replayOnConfigDir(draft);
                evidence.putAll(report.evidence());
                status = report.passed() ? ProposalStatus.DRAFTED : ProposalStatus.REJECTED;
            }
            return Optional.of(record(new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, id, draft.agent(),
                    draft.kind(), status, draft.summary(), draft.baseVersion(), null, null, null, evidence,
                    clock.instant())));
        }
        ConfigRepository repo = repository.get();
        repo.fetch();
        String base = repo.head();
        evidence.put("draftedOn", base);
        if (config.replay().enabled()) {
            ReplayReport report = replay(repo, base, draft);
            evidence.putAll(report.evidence());
            if (!report.passed()) {
                LOG.warnf("Proposal %s refused by its replay: %s", id, report.refusal());
                return Optional.of(record(new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, id, draft.agent(),
                        draft.kind(), ProposalStatus.REJECTED, draft.summary(), draft.baseVersion(), null, null, null,
                        evidence, clock.instant())));
            }
        }
        String message = message(draft, evidence);
        String commit = repo.commitOnNewBranch(branch, base, draft.changes(), message);
        repo.pushBranch(branch);
        PullRequests.Review review = reviews.open(branch, config.mainBranch(), draft.summary(), message);
        openReviews.put(id, review);
        return Optional.of(record(new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, id, draft.agent(),
                draft.kind(), ProposalStatus.OPENED, draft.summary(), draft.baseVersion(), branch, commit, review.url(),
                evidence, clock.instant())));
    }

    private ReplayReport replay(ConfigRepository repo, String base, Draft draft) {
        Path current = null;
        Path proposed = null;
        try {
            current = Files.createTempDirectory("patinox-replay-current");
            proposed = Files.createTempDirectory("patinox-replay-proposed");
            repo.materialize(base, Map.of(), current);
            repo.materialize(base, draft.changes(), proposed);
            return replay.evaluate(draft.agent(), current, proposed, policy -> recorder.examples(draft.agent(), policy));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the replay", e);
        } finally {
            delete(current);
            delete(proposed);
        }
    }

    private ReplayReport replayOnConfigDir(Draft draft) {
        Path proposed = null;
        try {
            Path current = Path.of(config.configDir()).toAbsolutePath().normalize();
            proposed = Files.createTempDirectory("patinox-replay-proposed");
            try (Stream<Path> files = Files.walk(current)) {
                for (Path source : files.filter(f -> !f.toString().contains("/.git")).toList()) {
                    Path target = proposed.resolve(current.relativize(source).toString());
                    if (Files.isDirectory(source)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(source, target);
                    }
                }
            }
            for (var change : draft.changes().entrySet()) {
                Path file = proposed.resolve(change.getKey());
                if (change.getValue() == null) {
                    Files.deleteIfExists(file);
                } else {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, change.getValue());
                }
            }
            return replay.evaluate(draft.agent(), current, proposed, policy -> recorder.examples(draft.agent(), policy));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the replay", e);
        } finally {
            delete(proposed);
        }
    }

    /** Merges an opened proposal into the main branch (through the pull request when there is one). */
    public synchronized EvolutionProposal approve(String id) {
        open();
        EvolutionProposal p = require(id, ProposalStatus.OPENED);
        ConfigRepository repo = repository.orElseThrow(() -> new IllegalStateException("no config repository"));
        String title = "Merge proposal " + id + ": " + p.summary();
        PullRequests.Review review = openReviews.get(id);
        ConfigRepository.Merge merge;
        String viaReview = review == null ? null : reviews.merge(review, title);
        if (viaReview != null) {
            String before = repo.head();
            repo.fetch();
            merge = new ConfigRepository.Merge(before, viaReview);
        } else {
            merge = repo.merge(p.commit(), title);
        }
        Map<String, String> evidence = new LinkedHashMap<>(p.evidence());
        evidence.put("previousConfigVersion", merge.before());
        evidence.put("mergedConfigVersion", merge.after());
        EvolutionProposal merged = record(with(p, ProposalStatus.MERGED, evidence));
        if (REVERT.equals(p.kind()) && p.evidence().containsKey("reverts")) {
            // Merging a revert proposal reverts the proposal it undoes.
            Optional.ofNullable(proposals.get(p.evidence().get("reverts"))).ifPresent(original -> {
                Map<String, String> e = new LinkedHashMap<>(original.evidence());
                e.put("revertedConfigVersion", original.evidence().getOrDefault("mergedConfigVersion", ""));
                e.put("configVersionAfterRevert", merge.after());
                e.put("revertedBy", id);
                record(with(original, ProposalStatus.REVERTED, e));
            });
        }
        return merged;
    }

    /** Rejects a proposal under review. */
    public synchronized EvolutionProposal reject(String id, String reason) {
        open();
        EvolutionProposal p = proposals.get(id);
        if (p == null) {
            throw new java.util.NoSuchElementException("no proposal " + id);
        }
        if (p.status() != ProposalStatus.OPENED && p.status() != ProposalStatus.DRAFTED) {
            throw new IllegalStateException("proposal " + id + " is " + p.status() + "; only OPENED or DRAFTED ones"
                    + " can be rejected");
        }
        Optional.ofNullable(openReviews.remove(id)).ifPresent(reviews::close);
        Map<String, String> evidence = new LinkedHashMap<>(p.evidence());
        evidence.put("rejectedBy", reason == null || reason.isBlank() ? "reviewer" : reason);
        return record(with(p, ProposalStatus.REJECTED, evidence));
    }

    /** Restores the files a merged proposal changed to their content before it was merged, on the main branch. */
    public synchronized EvolutionProposal revert(String id) {
        open();
        EvolutionProposal p = proposals.get(id);
        if (p == null) {
            throw new java.util.NoSuchElementException("no proposal " + id);
        }
        if (!List.of(ProposalStatus.MERGED, ProposalStatus.IMPROVED, ProposalStatus.NO_EFFECT,
                ProposalStatus.REGRESSED).contains(p.status())) {
            throw new IllegalStateException("proposal " + id + " is " + p.status() + "; only merged ones can be reverted");
        }
        ConfigRepository repo = repository.orElseThrow(() -> new IllegalStateException("no config repository"));
        String merged = p.evidence().get("mergedConfigVersion");
        String previous = p.evidence().get("previousConfigVersion");
        var restore = repo.restore(p.commit(), previous, "Revert proposal " + id + ": " + p.summary()
                + "\n\nRestores the files it changed to their content at " + previous + " (merged as " + merged + ").");
        Map<String, String> evidence = new LinkedHashMap<>(p.evidence());
        evidence.put("revertedConfigVersion", merged);
        evidence.put("configVersionAfterRevert", restore.after());
        return record(with(p, ProposalStatus.REVERTED, evidence));
    }

    /**
     * Merged proposals whose new config version has seen enough steps: their totals against the previous version's.
     */
    private List<EvolutionProposal> judgeOutcomes(TelemetryAggregate a) {
        if (!TelemetryAggregate.TOTAL.equals(a.window()) || a.tool() != null || a.validator() != null
                || a.subject().endsWith("|clusters") || a.steps() < config.outcome().minSteps()) {
            return List.of();
        }
        List<EvolutionProposal> changed = new ArrayList<>();
        for (EvolutionProposal p : List.copyOf(proposals.values())) {
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
            EvolutionProposal judged = record(with(p, outcome.status(), evidence));
            changed.add(judged);
            if (outcome.status() == ProposalStatus.REGRESSED) {
                draftRevert(judged).ifPresent(changed::add);
            }
        }
        return changed;
    }

    /**
     * A config version whose block rate is {@code rules.block-rate-jump} above its parent commit's (both with
     * enough steps): the commit that made the difference is flagged ({@code DRAFTED}, kind {@code block-rate-jump},
     * its diff shown by {@code GET /proposals/{id}}), naming the validators whose blocks rose in the recorded steps.
     * Not opened: whether to revert it is a reviewer's call, through {@code POST /proposals}.
     */
    private Optional<EvolutionProposal> flagBlockRateJump(TelemetryAggregate a) {
        if (!TelemetryAggregate.TOTAL.equals(a.window()) || a.tool() != null || a.subject().endsWith("|clusters")
                || a.steps() < config.rules().minSteps() || repository.isEmpty()) {
            return Optional.empty();
        }
        ConfigRepository repo = repository.get();
        if (!repo.knows(a.configVersion()) && a.configVersion().matches("[0-9a-f]{40}")
                && fetchedFor.add(a.configVersion())) {
            repo.fetch(); // the version may be newer than the last fetch; once per unknown version
        }
        Optional<String> parent = repo.parentOf(a.configVersion());
        if (parent.isEmpty()) {
            return Optional.empty();
        }
        String previousVersion = parent.get();
        Optional<TelemetryAggregate> previous = view.find(a.agent(), previousVersion, TelemetryAggregate.TOTAL).stream()
                .filter(x -> x.tool() == null && java.util.Objects.equals(x.validator(), a.validator())
                        && !x.subject().endsWith("|clusters") && x.steps() >= config.rules().minSteps())
                .findFirst();
        if (previous.isEmpty()) {
            return Optional.empty();
        }
        double before = blockRate(previous.get());
        double after = blockRate(a);
        if (after - before < config.rules().blockRateJump()) {
            return Optional.empty();
        }
        String id = idOf("block-rate-jump|" + a.agent() + "|" + a.configVersion() + "|" + a.validator());
        if (proposals.containsKey(id)) {
            return Optional.empty();
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("aggregate", a.subject());
        evidence.put("blockRate", String.format(java.util.Locale.ROOT, "%.3f (%d steps at %s) -> %.3f (%d steps at %s)",
                before, previous.get().steps(), previousVersion, after, a.steps(), a.configVersion()));
        evidence.put("threshold", Double.toString(config.rules().blockRateJump()));
        evidence.put("suspectCommit", a.configVersion());
        evidence.put("suspectCommitMessage", repo.message(a.configVersion()).lines().findFirst().orElse(""));
        evidence.put("changedPaths", String.join(", ", repo.changedPaths(a.configVersion())));
        String validators = recorder.blockRatesByValidator(a.agent(), previousVersion, a.configVersion());
        if (!validators.isEmpty()) {
            evidence.put("validators", validators);
        }
        String who = a.validator() != null ? "validator " + a.validator() + " of " + a.agent() : a.agent();
        return Optional.of(record(new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, id, a.agent(),
                "block-rate-jump", ProposalStatus.DRAFTED, String.format(java.util.Locale.ROOT,
                "The block rate of %s jumped from %.0f %% to %.0f %% with commit %s", who, before * 100, after * 100,
                a.configVersion().substring(0, Math.min(12, a.configVersion().length()))), previousVersion, null,
                a.configVersion(), null, evidence, clock.instant())));
    }

    private static double blockRate(TelemetryAggregate a) {
        return a.steps() == 0 ? 0 : (double) a.verdicts().getOrDefault("block", 0L) / a.steps();
    }

    private Optional<EvolutionProposal> draftRevert(EvolutionProposal p) {
        ConfigRepository repo = repository.orElseThrow();
        String previous = p.evidence().get("previousConfigVersion");
        Map<String, String> changes = new java.util.HashMap<>();
        for (String full : repo.changedPaths(p.commit())) {
            String path = full.substring(repo.prefix().length());
            changes.put(path, repo.readAt(previous, path).orElse(null));
        }
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("reverts", p.proposalId());
        evidence.put("regression", p.evidence().getOrDefault("outcome", ""));
        return submit(new Draft(REVERT + "|" + p.proposalId(), REVERT, p.agent(),
                p.evidence().get("mergedConfigVersion"), "Revert proposal " + p.proposalId() + " (" + p.kind()
                + "): the aggregates of its config version regressed", changes, evidence));
    }

    /**
     * Takes a proposal event from the topic's history (a previous run's) when it is newer than what is known;
     * nothing is published.
     */
    public synchronized void restore(EvolutionProposal p) {
        EvolutionProposal known = proposals.get(p.proposalId());
        if (known != null && !p.occurredAt().isAfter(known.occurredAt())) {
            return;
        }
        proposals.put(p.proposalId(), p);
        if (p.status() == ProposalStatus.OPENED && p.reviewUrl() != null && p.reviewUrl().matches(".*/pull/\\d+")) {
            String url = p.reviewUrl();
            openReviews.put(p.proposalId(), new PullRequests.Review(url,
                    Integer.parseInt(url.substring(url.lastIndexOf('/') + 1))));
        } else if (p.status() != ProposalStatus.OPENED) {
            openReviews.remove(p.proposalId());
        }
    }

    /** Every proposal, oldest first. */
    public synchronized List<EvolutionProposal> all() {
        return List.copyOf(proposals.values());
    }

    /** One proposal. */
    public synchronized Optional<EvolutionProposal> get(String id) {
        return Optional.ofNullable(proposals.get(id));
    }

    /** The diff of a committed proposal, or empty. */
    public synchronized Optional<String> diff(String id) {
        open();
        EvolutionProposal p = proposals.get(id);
        if (p == null || p.commit() == null || repository.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(repository.get().diff(p.commit()));
    }

    /** Keeps and publishes a status change; returns it. */
    private EvolutionProposal record(EvolutionProposal p) {
        proposals.put(p.proposalId(), p);
        LOG.infof("Proposal %s %s: %s", p.proposalId(), p.status(), p.summary());
        try {
            publisher.publish(p).toCompletableFuture().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // The status holds in git and here; the topic is the audit trail, so say loudly that it missed one.
            LOG.errorf("Proposal %s %s not published on the proposals topic: %s", p.proposalId(), p.status(), e);
        }
        return p;
    }

    private EvolutionProposal require(String id, ProposalStatus status) {
        EvolutionProposal p = proposals.get(id);
        if (p == null) {
            throw new java.util.NoSuchElementException("no proposal " + id);
        }
        if (p.status() != status) {
            throw new IllegalStateException("proposal " + id + " is " + p.status() + ", not " + status);
        }
        return p;
    }

    private EvolutionProposal with(EvolutionProposal p, ProposalStatus status, Map<String, String> evidence) {
        return new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, p.proposalId(), p.agent(), p.kind(), status,
                p.summary(), p.baseConfigVersion(), p.branch(), p.commit(), p.reviewUrl(), evidence, clock.instant());
    }

    private static String message(Draft draft, Map<String, String> evidence) {
        StringBuilder m = new StringBuilder(draft.summary()).append("\n\nProposed by the Patinox evolution service (")
                .append(draft.kind()).append(") from the aggregates of config version ").append(draft.baseVersion())
                .append(".\n\nEvidence:\n");
        evidence.forEach((k, v) -> m.append("  ").append(k).append(": ").append(v.replace("\n", "\n    "))
                .append('\n'));
        return m.toString();
    }

    static String idOf(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("cannot delete %s: %s", dir, e);
        }
    }

    @PreDestroy
    synchronized void close() {
        if (repository != null) {
            repository.ifPresent(ConfigRepository::close);
        }
        if (replay != null) {
            replay.close();
        }
    }
}
