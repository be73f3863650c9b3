package io.patinox.evolution.replay;

import io.patinox.contracts.config.ConfigTree;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;

/** What the replay tests share: the evaluator on the project's corpora, and copies of the project's config to edit. */
abstract class ProjectReplay {

    @TempDir
    Path tmp;

    final ReplayEvaluator evaluator = new ReplayEvaluator(Duration.ofMillis(200),
            List.of("corpus/injection/attacks-project.txt"), List.of("corpus/injection/benign-project.txt"),
            List.of("corpus/eval/steps.jsonl"));

    @AfterEach
    void close() {
        evaluator.close();
    }

    /** A copy of the repository's {@code config/} under {@code name}. */
    Path copy(String name) {
        Path dir = tmp.resolve(name);
        ConfigTree.copy(Path.of("..", "config"), dir);
        return dir;
    }
}
