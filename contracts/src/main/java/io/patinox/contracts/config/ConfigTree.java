package io.patinox.contracts.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Copies of a config directory: the launcher seeds its config repository from the samples, evolution replays a
 * change on a copy of the directory the services read, tests build config repositories. Git's own files (a
 * {@code .git} folder or file) are left out: a copy is never part of the original's checkout.
 */
public final class ConfigTree {

    private ConfigTree() {
    }

    /** Copies every file and folder under {@code from} into {@code to} (created if needed). */
    public static void copy(Path from, Path to) {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path relative = from.relativize(source);
                if (isGit(relative)) {
                    continue;
                }
                Path target = to.resolve(relative.toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + from + " to " + to, e);
        }
    }

    private static boolean isGit(Path relative) {
        for (Path part : relative) {
            if (part.toString().equals(".git")) {
                return true;
            }
        }
        return false;
    }
}
