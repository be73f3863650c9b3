package io.patinox.executor.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/** What the agent and workflow registries both read from the config directory: its YAML files and a fingerprint. */
public final class ConfigDirectory {

    private ConfigDirectory() {
    }

    /** The {@code .yaml} and {@code .yml} files directly in {@code dir}, by name. */
    public static List<Path> yamlFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.sorted().filter(f -> {
                String n = f.getFileName().toString();
                return n.endsWith(".yaml") || n.endsWith(".yml");
            }).toList();
        }
    }

    /**
     * Reads every YAML file of {@code dir} with {@code read}; what was read, by the name {@code name} gives it, in name
     * order.
     *
     * @param invalid makes the exception that refuses a folder that cannot be listed
     * @throws InvalidConfig for the folder, or for the first file that cannot be used
     */
    public static <T> SortedMap<String, T> readAll(Path dir, Function<Path, T> read, Function<T, String> name,
            BiFunction<String, Throwable, ? extends InvalidConfig> invalid) {
        SortedMap<String, T> loaded = new TreeMap<>();
        try {
            for (Path file : yamlFiles(dir)) {
                T definition = read.apply(file);
                loaded.put(name.apply(definition), definition);
            }
        } catch (IOException e) {
            throw invalid.apply("cannot list " + dir + ": " + e.getMessage(), e);
        }
        return loaded;
    }

    /**
     * Names, sizes and modification times of the files in the given sub-directories of {@code dir}: cheap to compute
     * every few seconds, and different whenever one of them changes.
     */
    public static String fingerprint(Path dir, String... subdirectories) {
        StringBuilder sb = new StringBuilder();
        for (String sub : subdirectories) {
            Path d = dir.resolve(sub);
            if (!Files.isDirectory(d)) {
                continue;
            }
            try (Stream<Path> files = Files.list(d)) {
                for (Path f : files.sorted().toList()) {
                    sb.append(f.getFileName()).append(':').append(Files.size(f)).append(':')
                            .append(Files.getLastModifiedTime(f).toMillis()).append(';');
                }
            } catch (IOException e) {
                sb.append("unreadable ").append(sub);
            }
        }
        return sb.toString();
    }
}
