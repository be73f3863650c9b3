package io.patinox.validator.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The policies that the agents and workflows of a config directory name: {@code policy} of each
 * {@code agents/*.yaml} and {@code workflows/*.yaml} ({@code default} where a file names none, as the executor reads
 * them). The registry calls these before they go live, which loads what their validators load on first use (e.g. the
 * embedding model of {@code attack-similarity}); a policy no one names is loaded on its first request instead, so it
 * costs no memory until then (docs/adr/0020-memory-budgets.md). The files are the executor's to check: one that does
 * not read is skipped here.
 */
final class PoliciesInUse {

    /** The policy of an agent or workflow that names none. */
    static final String DEFAULT = "default";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private PoliciesInUse() {
    }

    /** The policies named under {@code configDir}; empty when it has neither agents nor workflows (unknown). */
    static Optional<Set<String>> of(Path configDir) {
        Path agents = configDir.resolve("agents");
        Path workflows = configDir.resolve("workflows");
        if (!Files.isDirectory(agents) && !Files.isDirectory(workflows)) {
            return Optional.empty();
        }
        Set<String> names = new TreeSet<>();
        collect(agents, names);
        collect(workflows, names);
        return Optional.of(names);
    }

    private static void collect(Path dir, Set<String> names) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .toList()) {
                policy(file).ifPresent(names::add);
            }
        } catch (IOException e) {
            // Unreadable: nothing is known to be in use there; such policies load on their first request.
        }
    }

    private static Optional<String> policy(Path file) {
        try {
            JsonNode root = YAML.readTree(file.toFile());
            if (root == null || !root.isObject()) {
                return Optional.empty();
            }
            JsonNode policy = root.get("policy");
            return Optional.of(policy != null && policy.isTextual() && !policy.asText().isBlank() ? policy.asText()
                    : DEFAULT);
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
