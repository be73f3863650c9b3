package io.patinox.evolution.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ReviewDecision;
import io.patinox.contracts.events.ReviewRequest;
import io.patinox.detection.corpus.CorpusFiles;
import io.patinox.detection.corpus.CorpusRow;
import io.patinox.detection.model.InjectionModel;
import io.patinox.detection.train.TrainInjectionModel;
import io.patinox.evolution.config.EvolutionConfig;
import io.patinox.evolution.retrain.ModelComparison;
import io.patinox.evolution.retrain.ReviewLabels;
import io.patinox.evolution.retrain.ReviewedExample;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;

/**
 * Retrains the injection classifier from reviewed steps (docs/adr/0019-detector-retraining-from-reviews.md). Review
 * requests and decisions are joined by review id; the first decision of a review counts (as for the executor), and
 * {@link ReviewLabels} says which give a labelled example. Once at least {@code min-examples} examples that the main
 * branch's examples file does not hold have come since the last attempt, all of those are tried:
 * <ol>
 * <li>no training corpus, or the model in force already labels every one of them right at its threshold: no
 * proposal (nothing to learn, no training run);</li>
 * <li>otherwise the project's trainer ({@link TrainInjectionModel#trainWithDefaults}) on the training split plus the
 * examples, calibrated on the validation split; both models on the held-out split and the examples
 * ({@link ModelComparison});</li>
 * <li>better (recall higher at a false-positive rate not higher): a {@value #KIND} proposal with the model file and
 * the examples appended to the examples file, through the usual replay and review; not better: a {@code REJECTED}
 * record on the proposals topic with the reason and the figures, and a log line.</li>
 * </ol>
 * The examples are not stored apart: the review topics are re-read from the beginning at every start, and examples
 * a proposal carries are on its branch (merged: in the examples file). The same set of examples gives the same
 * proposal id, so an attempt made before a restart is not made again.
 */
@ApplicationScoped
public class RetrainService {

    private static final Logger LOG = Logger.getLogger(RetrainService.class);

    /** The proposal kind. */
    public static final String KIND = "retrain-injection-classifier";

    private final EvolutionConfig.Retrain settings;
    private final String configDir;
    private final ReviewLabels labels;
    private final ProposalService proposals;
    private final ConfigRemote remote;
    /** Reviews with a request or a decision but not both yet, oldest first. */
    private final Map<String, Pending> pending = new LinkedHashMap<>();
    private final Set<String> decided = new HashSet<>();
    private final Map<String, ReviewedExample> examples = new LinkedHashMap<>();
    private Set<String> attempted = Set.of();

    @Inject
    public RetrainService(EvolutionConfig config, ProposalService proposals, ConfigRemote remote) {
        this.settings = config.retrain();
        this.configDir = config.configDir();
        this.labels = new ReviewLabels(settings.attackReasons());
        this.proposals = proposals;
        this.remote = remote;
    }

    /** A run suspended for review; retrains when its decision completes enough examples. */
    public synchronized Optional<EvolutionProposal> request(ReviewRequest request) {
        return joined(request.reviewId(), p -> new Pending(request, p.decision()));
    }

    /** A reviewer's decision; retrains when it completes enough examples. The first decision of a review counts. */
    public synchronized Optional<EvolutionProposal> decision(ReviewDecision decision) {
        return joined(decision.reviewId(), p -> p.decision() != null ? p : new Pending(p.request(), decision));
    }

    /** A review's request and decision, as far as they have arrived. */
    private record Pending(ReviewRequest request, ReviewDecision decision) {
        static final Pending NONE = new Pending(null, null);
    }

    /** Adds what arrived to the review's pending half; once both halves are there, the review is decided. */
    private Optional<EvolutionProposal> joined(String reviewId, java.util.function.UnaryOperator<Pending> arrived) {
        if (!settings.enabled() || decided.contains(reviewId)) {
            return Optional.empty();
        }
        Pending now = arrived.apply(pending.getOrDefault(reviewId, Pending.NONE));
        if (now.request() == null || now.decision() == null) {
            if (!pending.containsKey(reviewId)) {
                // At most maxPendingReviews wait for their other half: the oldest give way.
                var it = pending.keySet().iterator();
                while (pending.size() >= settings.maxPendingReviews() && it.hasNext()) {
                    it.next();
                    it.remove();
                }
            }
            pending.put(reviewId, now);
            return Optional.empty();
        }
        pending.remove(reviewId);
        return decided(now.request(), now.decision());
    }

    private Optional<EvolutionProposal> decided(ReviewRequest request, ReviewDecision decision) {
        decided.add(request.reviewId());
        ReviewLabels.Labelled labelled = labels.label(request, decision);
        if (labelled.example() == null) {
            LOG.debugf("Review %s gives no example: %s", request.reviewId(), labelled.ignored());
            return Optional.empty();
        }
        examples.put(request.reviewId(), labelled.example());
        if (examples.keySet().stream().filter(id -> !attempted.contains(id)).count() < settings.minExamples()) {
            return Optional.empty();
        }
        return attempt();
    }

    /** The labelled examples from reviews that the main branch's examples file does not hold yet. */
    public synchronized List<ReviewedExample> pending() {
        Set<String> stored = stored(read(settings.examplesFile()).orElse(""));
        return examples.values().stream().filter(e -> !stored.contains(e.id())).toList();
    }

    private static Set<String> stored(String examplesFile) {
        return ModelComparison.readRows(examplesFile).stream().map(CorpusRow::id).collect(Collectors.toSet());
    }

    private Optional<EvolutionProposal> attempt() {
        remote.repository().ifPresent(ConfigRepository::fetch);
        List<ReviewedExample> pending = pending();
        // Examples the main branch holds (a merged proposal's) are not counted again.
        examples.values().retainAll(new HashSet<>(pending));
        if (pending.stream().filter(e -> !attempted.contains(e.reviewId())).count() < settings.minExamples()) {
            return Optional.empty();
        }
        attempted = pending.stream().map(ReviewedExample::reviewId).collect(Collectors.toSet());
        List<String> ids = pending.stream().map(ReviewedExample::reviewId).sorted().toList();
        String key = KIND + ":" + String.join(",", ids);
        String id = Draft.idOf(key);
        if (proposals.get(id).isPresent() || remote.hasBranch(id)) {
            return Optional.empty(); // tried before (a restart re-reads the reviews)
        }
        long attacks = pending.stream().filter(ReviewedExample::attack).count();
        String agent = pending.stream().collect(Collectors.groupingBy(ReviewedExample::agent, TreeMap::new,
                Collectors.counting())).entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        String base = remote.repository().map(ConfigRepository::head).orElse("unversioned");
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("reviewedExamples", String.format(Locale.ROOT, "%d (%d attack, %d benign) from the reviews %s",
                pending.size(), attacks, pending.size() - attacks, String.join(", ", ids)));
        evidence.put("minExamples", Integer.toString(settings.minExamples()));
        evidence.put("proposedFrom", pending.size() + " reviewed steps on config version " + base);
        Function<String, Draft> refusal = summary -> new Draft(key, KIND, agent, base, summary, Map.of(), evidence);
        Optional<String> modelFile = read(settings.modelFile());
        if (modelFile.isEmpty()) {
            return none(refusal, "no model file " + settings.modelFile() + " in the config");
        }
        InjectionModel current;
        try {
            current = InjectionModel.parse(modelFile.get().getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            return none(refusal, "the model in force does not read: " + e.getMessage());
        }
        evidence.put("currentModel", current.version());
        long missed = pending.stream().filter(e -> current.isAttack(e.text()) != e.attack()).count();
        evidence.put("missedByCurrentModel", missed + " of " + pending.size());
        if (missed == 0) {
            return none(refusal, String.format(Locale.ROOT, "the model in force already labels all %d reviewed"
                    + " examples right at its threshold %.4f: nothing to learn", pending.size(), current.threshold()));
        }
        Optional<Path> trainingDir = settings.trainingDir().map(Path::of);
        if (trainingDir.isEmpty() || !Files.isRegularFile(trainingDir.get().resolve("train.jsonl"))
                || !Files.isRegularFile(trainingDir.get().resolve("validation.jsonl"))) {
            return none(refusal, "no training corpus (patinox.evolution.retrain.training-dir: "
                    + settings.trainingDir().orElse("unset") + "; it needs train.jsonl and validation.jsonl)");
        }
        long heapMb = Runtime.getRuntime().maxMemory() >> 20;
        if (heapMb < settings.minHeapMb()) {
            return none(refusal, "retraining needs a heap of at least " + settings.minHeapMb()
                    + " MB (patinox.evolution.retrain.min-heap-mb) and this process has " + heapMb
                    + " MB: raise -Xmx (PATINOX_JAVA_OPTIONS=-Xmx3g with ./patinox, JDK_JAVA_OPTIONS on Kubernetes)");
        }
        return retrain(pending, ids, key, agent, base, evidence, current, trainingDir.get(), refusal);
    }

    private Optional<EvolutionProposal> retrain(List<ReviewedExample> pending, List<String> ids, String key,
            String agent, String base, Map<String, String> evidence, InjectionModel current, Path trainingDir,
            Function<String, Draft> refusal) {
        List<CorpusRow> reviewed = pending.stream().map(ReviewedExample::row).toList();
        TrainInjectionModel.Trained trained;
        try {
            List<CorpusRow> train = new ArrayList<>(CorpusFiles.readSplit(trainingDir.resolve("train.jsonl")));
            train.addAll(reviewed);
            List<CorpusRow> validation = CorpusFiles.readSplit(trainingDir.resolve("validation.jsonl"));
            Path summary = Files.exists(trainingDir.resolve("summary.json")) ? trainingDir.resolve("summary.json")
                    : trainingDir.toAbsolutePath().getParent().resolve("summary.json");
            String corpusSha = Files.exists(summary)
                    ? CorpusFiles.JSON.readTree(summary.toFile()).path("corpusSha256").asText("unknown")
                    : "unknown";
            ObjectNode extra = CorpusFiles.JSON.createObjectNode();
            extra.put("trainedOn", trainingDir + " + " + settings.examplesFile() + " (" + reviewed.size()
                    + " reviewed examples)");
            extra.put("retrainedFrom", current.version());
            long t0 = System.nanoTime();
            trained = TrainInjectionModel.trainWithDefaults(train, validation, corpusSha, "-reviewed-" + Draft.idOf(key),
                    extra);
            evidence.put("training", String.format(Locale.ROOT, "%d training rows (%d reviewed), %d validation rows"
                    + " from %s, %.1f s", train.size(), reviewed.size(), validation.size(), trainingDir,
                    (System.nanoTime() - t0) / 1e9));
        } catch (IOException | RuntimeException e) {
            LOG.errorf(e, "Retraining the injection classifier failed");
            return none(refusal, "retraining failed: " + e);
        }
        List<CorpusRow> heldout = read(settings.heldoutFile()).map(ModelComparison::readRows).orElse(List.of());
        ModelComparison comparison = ModelComparison.of(current, trained.model(), heldout, reviewed);
        evidence.put("retrainedModel", trained.model().version());
        evidence.put("figures", comparison.verdict());
        evidence.put("figuresTable", comparison.table());
        if (!comparison.better()) {
            return none(refusal, comparison.verdict());
        }
        String appended = read(settings.examplesFile()).map(s -> s.endsWith("\n") || s.isEmpty() ? s : s + "\n")
                .orElse("")
                + pending.stream().sorted(Comparator.comparing(ReviewedExample::reviewId))
                        .map(e -> e.line() + "\n").collect(Collectors.joining());
        Map<String, String> changes = new LinkedHashMap<>();
        changes.put(settings.modelFile(), new String(trained.file(), StandardCharsets.UTF_8));
        changes.put(settings.examplesFile(), appended);
        var all = comparison.all();
        String summary = String.format(Locale.ROOT, "Retrain the injection classifier on %d reviewed steps: recall"
                + " %.3f -> %.3f at FPR %.3f -> %.3f", pending.size(), all.current().recall(), all.retrained().recall(),
                all.current().fpr(), all.retrained().fpr());
        LOG.infof("Retrained injection classifier: %s", comparison.verdict());
        return proposals.submit(new Draft(key, KIND, agent, base, summary, changes, evidence));
    }

    private Optional<EvolutionProposal> none(Function<String, Draft> refusal, String reason) {
        LOG.infof("No retrained injection classifier proposed: %s", reason);
        Draft draft = refusal.apply("No retrained injection classifier: " + reason);
        draft.evidence().put("refused", reason);
        return proposals.refuse(draft, reason);
    }

    /** A config file on the main branch of evolution's clone, else in the config directory. */
    private Optional<String> read(String path) {
        Optional<ConfigRepository> repo = remote.repository();
        if (repo.isPresent()) {
            return repo.get().read(path);
        }
        Path file = Path.of(configDir).resolve(path);
        try {
            return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
