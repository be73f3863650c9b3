package io.patinox.evolution.service;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.evolution.config.EvolutionConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.File;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.jboss.logging.Logger;

/**
 * The git side of proposals: evolution's clone of the config remote ({@link ConfigRepository}, when committing is
 * on and there is a remote) and where proposals are reviewed (GitHub pull requests, or local records). A proposal
 * lives on the branch {@code patinox/proposal-<id>}; approving merges it into the main branch, reverting restores
 * the files it changed. Opened on first use, since opening fetches.
 */
@ApplicationScoped
public class ConfigRemote {

    private static final Logger LOG = Logger.getLogger(ConfigRemote.class);

    /** Prefix of proposal branches. */
    public static final String BRANCH_PREFIX = "patinox/proposal-";

    /** A proposal committed, pushed and under review. */
    public record Opened(String branch, String commit, PullRequests.Review review) {
    }

    private final EvolutionConfig config;
    private Optional<ConfigRepository> repository;
    private PullRequests reviews;

    @Inject
    public ConfigRemote(EvolutionConfig config) {
        this.config = config;
    }

    /** Evolution's clone of the config remote; empty when proposals are only drafted. */
    public synchronized Optional<ConfigRepository> repository() {
        open();
        return repository;
    }

    /** The clone, which approving and reverting need. */
    private ConfigRepository required() {
        return repository().orElseThrow(() -> new IllegalStateException("no config repository"));
    }

    /** Whether proposal {@code id}'s branch exists: it was opened before, maybe by an earlier run. */
    public boolean hasBranch(String id) {
        return repository().map(r -> r.hasBranch(BRANCH_PREFIX + id)).orElse(false);
    }

    /** Commits the draft on its own branch on top of {@code base}, pushes it and opens its review. */
    public Opened open(Draft draft, String base, Map<String, String> evidence) {
        ConfigRepository repo = required();
        String branch = BRANCH_PREFIX + draft.id();
        String message = message(draft, evidence);
        String commit = repo.commitOnNewBranch(branch, base, draft.changes(), message);
        repo.pushBranch(branch);
        return new Opened(branch, commit, reviews().open(branch, config.mainBranch(), draft.summary(), message));
    }

    /** Merges an opened proposal into the main branch: through its review when that merges, else through git. */
    public ConfigRepository.Merge merge(EvolutionProposal p, Optional<PullRequests.Review> review) {
        ConfigRepository repo = required();
        String title = "Merge proposal " + p.proposalId() + ": " + p.summary();
        String viaReview = review.map(r -> reviews().merge(r, title)).orElse(null);
        if (viaReview == null) {
            return repo.merge(p.commit(), title);
        }
        String before = repo.head();
        repo.fetch();
        return new ConfigRepository.Merge(before, viaReview);
    }

    /** Closes a review unmerged. */
    public void close(PullRequests.Review review) {
        reviews().close(review);
    }

    /** Restores the files a merged proposal changed to their content before it, on the main branch. */
    public ConfigRepository.Merge restore(EvolutionProposal p) {
        String merged = p.evidence().get("mergedConfigVersion");
        String previous = p.evidence().get("previousConfigVersion");
        return required().restore(p.commit(), previous, "Revert proposal " + p.proposalId() + ": " + p.summary()
                + "\n\nRestores the files it changed to their content at " + previous + " (merged as " + merged + ").");
    }

    /** The files a merged proposal changed, with their content before it (null: did not exist): a revert's changes. */
    public Map<String, String> contentBefore(EvolutionProposal p) {
        ConfigRepository repo = required();
        String previous = p.evidence().get("previousConfigVersion");
        Map<String, String> changes = new HashMap<>();
        for (String full : repo.history().changedPaths(p.commit())) {
            String path = full.substring(repo.prefix().length());
            changes.put(path, repo.readAt(previous, path).orElse(null));
        }
        return changes;
    }

    /** The diff of a committed proposal, or empty. */
    public Optional<String> diff(EvolutionProposal p) {
        return p.commit() == null ? Optional.empty() : repository().map(r -> r.history().diff(p.commit()));
    }

    private synchronized PullRequests reviews() {
        open();
        return reviews;
    }

    private void open() {
        if (repository != null) {
            return;
        }
        repository = Optional.empty();
        if (config.commit()) {
            Path configDir = Path.of(config.configDir());
            Optional<Path> checkout = checkoutOf(configDir);
            Optional<String> remote = config.remote().or(() -> checkout.map(Path::toString));
            if (remote.isPresent()) {
                String configPath = config.configPath().orElseGet(() -> config.remote().isPresent() || checkout.isEmpty()
                        ? ""
                        : checkout.get().relativize(configDir.toAbsolutePath().normalize()).toString());
                Path workDir = Path.of(config.workDir().orElseGet(() -> Path.of(System.getProperty("java.io.tmpdir"),
                        "patinox-evolution", Draft.idOf(remote.get())).toString()));
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
                        + " is not in a git checkout"),
                reviews instanceof GitHubPullRequests
                        ? "GitHub pull requests on " + gh.repository().get()
                        : "local records");
    }

    /** The top of the git checkout holding {@code dir}, or empty. */
    static Optional<Path> checkoutOf(Path dir) {
        File file = dir.toAbsolutePath().normalize().toFile();
        var builder = new FileRepositoryBuilder().findGitDir(file);
        if (builder.getGitDir() == null) {
            return Optional.empty();
        }
        File gitDir = builder.getGitDir();
        return Optional.of(gitDir.getName().equals(Constants.DOT_GIT) ? gitDir.getParentFile().toPath() : gitDir.toPath());
    }

    /**
     * The commit message, which is also the pull request's body: the summary, who proposed it from what, the replay's
     * evidence table (Markdown) with what the aggregate measured, then every evidence entry.
     */
    static String message(Draft draft, Map<String, String> evidence) {
        StringBuilder m = new StringBuilder(draft.summary()).append("\n\nProposed by the Patinox evolution service (")
                .append(draft.kind()).append(") from ").append(evidence.getOrDefault("proposedFrom",
                        "the aggregates of config version " + draft.baseVersion()))
                .append(".\n\n");
        String table = evidence.get("replayTable");
        if (table != null) {
            m.append("Replay evidence (config in force against proposed):\n\n").append(table).append("\n\n");
        }
        String figures = evidence.get("figuresTable");
        if (figures != null) {
            m.append("Figures (model in force against retrained):\n\n").append(figures).append("\n\n");
        }
        if (evidence.containsKey("measured")) {
            m.append("Measured: ").append(evidence.get("measured")).append("\n\n");
        }
        m.append("Evidence:\n");
        evidence.forEach((k, v) -> {
            if (!k.equals("replayTable") && !k.equals("figuresTable") && !k.equals("proposedFrom")) {
                m.append("  ").append(k).append(": ").append(v.replace("\n", "\n    ")).append('\n');
            }
        });
        return m.toString();
    }

    @PreDestroy
    synchronized void close() {
        if (repository != null) {
            repository.ifPresent(ConfigRepository::close);
        }
    }
}
