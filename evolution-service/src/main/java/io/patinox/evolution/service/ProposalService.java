package io.patinox.evolution.service;

import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.config.EvolutionConfig;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Turns aggregates into proposals: the rules draft a change, which is committed on its own branch
 * {@code patinox/proposal-<id>} of the config repository (pushed when a remote is configured) and recorded as
 * {@code OPENED}. Without a config repository a draft is only recorded ({@code DRAFTED}). A proposal's id derives
 * from what justified it, so the same facts never open it twice, even across restarts (the branch exists).
 */
@ApplicationScoped
public class ProposalService {

    private static final Logger LOG = Logger.getLogger(ProposalService.class);

    /** Prefix of proposal branches. */
    public static final String BRANCH_PREFIX = "patinox/proposal-";

    @Inject
    EvolutionConfig config;

    private ProposalRules rules;
    private Optional<ConfigRepository> repository;
    private final Map<String, EvolutionProposal> proposals = new LinkedHashMap<>();

    private void open() {
        if (rules == null) {
            rules = new ProposalRules(config.rules());
            repository = config.commit() ? ConfigRepository.open(Path.of(config.configDir())) : Optional.empty();
            LOG.infof("Proposals go to %s", repository.map(ConfigRepository::location)
                    .orElse("nowhere (drafts only): committing is off or " + config.configDir()
                            + " is not in a git checkout"));
        }
    }

    /** The proposals this aggregate gives rise to that were not made before. */
    public synchronized List<EvolutionProposal> consider(TelemetryAggregate aggregate) {
        open();
        List<EvolutionProposal> made = new ArrayList<>();
        var read = repository.<java.util.function.Function<String, Optional<String>>>map(r -> r::read)
                .orElse(path -> Optional.empty());
        for (Draft draft : rules.draft(aggregate, read)) {
            String id = idOf(draft.key());
            String branch = BRANCH_PREFIX + id;
            if (proposals.containsKey(id) || repository.map(r -> r.hasBranch(branch)).orElse(false)) {
                continue;
            }
            Map<String, String> evidence = new LinkedHashMap<>(draft.evidence());
            EvolutionProposal proposal;
            if (repository.isPresent()) {
                ConfigRepository repo = repository.get();
                evidence.put("draftedOn", repo.head());
                String commit = repo.commitOnNewBranch(branch, draft.changes(), message(draft, evidence));
                String review = "local:" + repo.location() + "#" + branch;
                if (config.remote().isPresent()) {
                    repo.push(config.remote().get(), branch);
                    review = config.remote().get() + "#" + branch;
                }
                proposal = new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, id, draft.agent(), draft.kind(),
                        ProposalStatus.OPENED, draft.summary(), draft.baseVersion(), branch, commit, review, evidence,
                        Instant.now());
            } else {
                proposal = new EvolutionProposal(EvolutionProposal.SCHEMA_VERSION, id, draft.agent(), draft.kind(),
                        ProposalStatus.DRAFTED, draft.summary(), draft.baseVersion(), null, null, null, evidence,
                        Instant.now());
            }
            proposals.put(id, proposal);
            LOG.infof("Proposal %s %s: %s", id, proposal.status(), proposal.summary());
            made.add(proposal);
        }
        return made;
    }

    /** Every proposal made since start, oldest first. */
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

    @PreDestroy
    synchronized void close() {
        if (repository != null) {
            repository.ifPresent(ConfigRepository::close);
        }
    }
}
