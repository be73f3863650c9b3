package io.patinox.evolution.service;

import io.patinox.contracts.config.ConfigTree;
import io.patinox.evolution.config.EvolutionConfig;
import io.patinox.evolution.replay.ReplayEvaluator;
import io.patinox.evolution.replay.ReplayReport;
import io.patinox.evolution.replay.StepRecorder;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * Replays a draft before it is opened: the agent's recorded steps and the known examples go through the validator
 * chain under the config in force and under the proposed one ({@link ReplayEvaluator}). Both configs are written
 * to temporary directories, from evolution's clone at the draft's base or, without a clone, from the config
 * directory the services read, and removed afterwards.
 */
@ApplicationScoped
public class DraftReplay {

    private final EvolutionConfig config;
    private final StepRecorder recorder;
    private ReplayEvaluator evaluator;

    @Inject
    public DraftReplay(EvolutionConfig config, StepRecorder recorder) {
        this.config = config;
        this.recorder = recorder;
    }

    /** The draft against the config of {@code base} in evolution's clone; empty when replaying is off. */
    public Optional<ReplayReport> onRepository(ConfigRepository repo, String base, Draft draft) {
        if (!config.replay().enabled()) {
            return Optional.empty();
        }
        Path current = null;
        Path proposed = null;
        try {
            current = ConfigFiles.temporary("current");
            proposed = ConfigFiles.temporary("proposed");
            repo.materialize(base, Map.of(), current);
            repo.materialize(base, draft.changes(), proposed);
            return Optional.of(evaluate(draft, current, proposed));
        } finally {
            ConfigFiles.delete(current);
            ConfigFiles.delete(proposed);
        }
    }

    /**
     * Without a clone (committing off, as in Kubernetes): the draft against the config directory as the services
     * read it; empty when replaying is off or the directory holds no policies.
     */
    public Optional<ReplayReport> onConfigDir(Draft draft) {
        Path current = Path.of(config.configDir()).toAbsolutePath().normalize();
        if (!config.replay().enabled() || !Files.isDirectory(current.resolve("policies"))) {
            return Optional.empty();
        }
        Path proposed = ConfigFiles.temporary("proposed");
        try {
            ConfigTree.copy(current, proposed);
            ConfigFiles.apply(draft.changes(), proposed);
            return Optional.of(evaluate(draft, current, proposed));
        } finally {
            ConfigFiles.delete(proposed);
        }
    }

    private synchronized ReplayReport evaluate(Draft draft, Path current, Path proposed) {
        if (evaluator == null) {
            var r = config.replay();
            evaluator = new ReplayEvaluator(r.defaultTimeout(), r.attackFiles(), r.goodFiles(), r.labelledFiles());
        }
        return evaluator.evaluate(draft.agent(), current, proposed, policy -> recorder.examples(draft.agent(), policy));
    }

    @PreDestroy
    synchronized void close() {
        if (evaluator != null) {
            evaluator.close();
        }
    }
}
