package io.patinox.launcher;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code ./patinox eval <labelled.jsonl> [--policy NAME] [--config DIR] [--misses]}: the validator's evaluation
 * command ({@code io.patinox.validator.eval.EvaluateValidators}) in a child JVM on the packaged validator's
 * classpath, so it measures exactly the validators the service runs. Output is the command's: per validator and
 * for the chain, last line one JSON object.
 */
final class EvalCommand {

    static final String MAIN = "io.patinox.validator.eval.EvaluateValidators";

    private EvalCommand() {
    }

    static int run(Workspace ws, List<String> args) {
        List<String> rest = new ArrayList<>(args);
        String policy = Patinox.option(rest, "--policy", "default");
        String config = Patinox.option(rest, "--config", ws.sampleConfig().toString());
        boolean misses = rest.remove("--misses");
        if (rest.size() != 1 || rest.get(0).startsWith("--")) {
            throw new IllegalArgumentException(
                    "usage: ./patinox eval <labelled.jsonl> [--policy NAME] [--config DIR] [--misses]");
        }
        Path file = Path.of(rest.get(0)).toAbsolutePath();
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no file " + file);
        }
        Path app = ws.root().resolve("validator-service/target/quarkus-app");
        if (!Files.isDirectory(app.resolve("lib/main"))) {
            throw new IllegalStateException(
                    "the validator is not built: " + app + " is missing (run ./mvnw -DskipTests package)");
        }
        List<String> command = new ArrayList<>(List.of(Processes.java(), "-Xms64m", "-Xmx1g",
                "-Djava.util.logging.manager=org.jboss.logmanager.LogManager",
                // Lance's JNI bindings (attack-similarity) read direct buffers through java.nio internals.
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp", String.join(File.pathSeparator, app.resolve("app") + File.separator + "*",
                        app.resolve("lib/boot") + File.separator + "*", app.resolve("lib/main") + File.separator + "*"),
                MAIN, file.toString(), "--config", Path.of(config).toAbsolutePath().toString(), "--policy", policy));
        if (misses) {
            command.add("--misses");
        }
        try {
            Process p = new ProcessBuilder(command).inheritIO().start();
            return p.waitFor();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the evaluation", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 130;
        }
    }
}
