package io.patinox.evolution;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.patinox.detection.corpus.CorpusFiles;
import io.patinox.detection.corpus.CorpusRow;
import io.patinox.detection.train.TrainInjectionModel;
import io.patinox.evolution.retrain.ModelComparison;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A config repository whose classifier is small enough to retrain in a test, built with the production trainer: the
 * project's held-out split cut in four by row (two quarters to train on, one to calibrate on, one as this
 * repository's held-out split), the model in force trained on that, and the training split written where
 * {@code patinox.evolution.retrain.training-dir} points. One agent, the project's policies and corpora, one commit.
 */
public class RetrainRepoResource implements QuarkusTestResourceLifecycleManager {

    static final String AGENT = "support-reviewed";
    static final int MIN_EXAMPLES = 12;
    static Path root;
    static List<CorpusRow> train;
    static List<CorpusRow> heldout;

    @Override
    public Map<String, String> start() {
        try {
            root = Path.of("target", "retrain-repo-" + UUID.randomUUID()).toAbsolutePath();
            Path config = ConfigRepoResource.sampleConfig(root, AGENT);
            // The project's held-out split, as copied into the test repository (and replaced by a quarter of it below).
            List<CorpusRow> rows = ModelComparison
                    .readRows(Files.readString(config.resolve("corpus/injection/heldout.jsonl")));
            train = new ArrayList<>();
            List<CorpusRow> validation = new ArrayList<>();
            heldout = new ArrayList<>();
            for (int i = 0; i < rows.size(); i++) {
                (i % 4 < 2 ? train : i % 4 == 2 ? validation : heldout).add(rows.get(i));
            }
            Path training = root.resolve("training");
            CorpusFiles.writeSplit(training.resolve("train.jsonl"), train);
            CorpusFiles.writeSplit(training.resolve("validation.jsonl"), validation);
            Files.writeString(training.resolve("summary.json"), "{\"corpusSha256\": \"test-quarters\"}\n");
            CorpusFiles.writeLabelledSteps(config.resolve("corpus/injection/heldout.jsonl"), heldout,
                    "A quarter of the project's held-out split (the test's).");
            ObjectNode extra = CorpusFiles.JSON.createObjectNode();
            Files.write(config.resolve("models/injection-lr.json"),
                    TrainInjectionModel.trainWithDefaults(train, validation, "test-quarters", "", extra).file());
            ConfigRepoResource.initRepository(root, "config");
            return Map.of("patinox.evolution.config-dir", config.toString(),
                    "patinox.evolution.work-dir", root.resolveSibling(root.getFileName() + "-evolution.git").toString(),
                    "patinox.evolution.retrain.training-dir", training.toString(),
                    "patinox.evolution.retrain.min-examples", Integer.toString(MIN_EXAMPLES),
                    // A quarter-corpus model retrains in a few hundred MB: the test JVM's heap is enough.
                    "patinox.evolution.retrain.min-heap-mb", "0");
        } catch (Exception e) {
            throw new IllegalStateException("cannot create the test config repository", e);
        }
    }

    @Override
    public void stop() {
        // Left in target/ for inspection.
    }
}
