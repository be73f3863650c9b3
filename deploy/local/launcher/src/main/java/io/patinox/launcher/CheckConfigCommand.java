package io.patinox.launcher;

import io.patinox.executor.check.ConfigCheck;
import io.patinox.executor.check.ConfigProblem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * {@code ./patinox check-config [dir]}: reads a config directory's agents and workflows with the executor's own
 * readers and wiring checks ({@code io.patinox.executor.check.ConfigCheck}), so what passes here is what the
 * executor loads. Prints {@code file:line: field: message} for each problem; exit code 1 when there is one.
 */
final class CheckConfigCommand {

    static final String USAGE = "usage: ./patinox check-config [dir]   (default: the repository's config/)";

    private CheckConfigCommand() {
    }

    /** Checks {@code args[0]}, or {@code defaultDir}; returns the exit code. */
    static int run(List<String> args, Path defaultDir, Consumer<String> out, Consumer<String> err) {
        if (args.size() > 1 || (!args.isEmpty() && args.get(0).startsWith("-"))) {
            throw new IllegalArgumentException(USAGE);
        }
        Path dir = args.isEmpty() ? defaultDir : Path.of(args.get(0));
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("no directory " + dir.toAbsolutePath() + "\n" + USAGE);
        }
        List<ConfigProblem> problems = ConfigCheck.check(dir);
        problems.forEach(p -> err.accept(p.toString()));
        if (!problems.isEmpty()) {
            err.accept(problems.size() + " problem(s) in " + dir);
            return 1;
        }
        out.accept(summary(dir));
        return 0;
    }

    private static String summary(Path dir) {
        return "config OK: " + count(dir.resolve("agents")) + " agent(s), " + count(dir.resolve("workflows"))
                + " workflow(s) in " + dir;
    }

    private static long count(Path dir) {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
