package io.patinox.launcher;

import java.nio.file.Path;
import java.util.List;

/**
 * One service of the mesh as the launcher runs it: its module folder and default HTTP port.
 *
 * @param name process name, used for its log and pid files
 * @param module the Maven module folder holding {@code target/quarkus-app/quarkus-run.jar}
 * @param port HTTP port (health, metrics, REST)
 */
public record ServiceSpec(String name, String module, int port) {

    /** The four services, in start order: the gate first, the front door last. */
    public static final List<ServiceSpec> ALL = List.of(
            new ServiceSpec("validator", "validator-service", 8082),
            new ServiceSpec("analyzer", "analyzer-service", 8083),
            new ServiceSpec("evolution", "evolution-service", 8084),
            new ServiceSpec("executor", "executor-service", 8081));

    /** The runnable jar built by {@code quarkus-maven-plugin}. */
    public Path runner(Path root) {
        return root.resolve(module).resolve("target/quarkus-app/quarkus-run.jar");
    }

    /**
     * Where the service keeps state on disk, under {@code stateRoot}: the analyzer's Kafka Streams stores
     * and failure vectors, the executor's long-term memory, evolution's clone of the config repository. Two meshes with
     * different roots never share
     * (or lock) each other's state.
     */
    public java.util.Map<String, String> stateProperties(Path stateRoot) {
        Path dir = stateRoot.resolve(name).toAbsolutePath();
        return switch (name) {
            case "analyzer" -> java.util.Map.of(
                    "kafka-streams.state.dir", dir.resolve("streams").toString(),
                    "patinox.analyzer.clusters.dataset", dir.resolve("failures.lance").toString());
            case "executor" -> java.util.Map.of("patinox.executor.memory.dir", dir.resolve("memory").toString());
            // Evolution's own clone of the config repository, where proposals are committed before they are pushed.
            case "evolution" -> java.util.Map.of("patinox.evolution.work-dir", dir.resolve("config.git").toString());
            default -> java.util.Map.of();
        };
    }

    /**
     * The service's heap (docs/adr/0020-memory-budgets.md): a ceiling of a few times the live set after the mesh
     * benchmark (validator ~35 MB, analyzer ~30 MB, evolution ~20 MB, executor ~75 MB: runs in flight and their
     * bookkeeping), starting small so that the heap grows only as far as the load needs. Evolution retraining the
     * injection classifier ({@code patinox.evolution.retrain.training-dir}) needs far more (docs/detection.md):
     * raise it with {@code PATINOX_JAVA_OPTIONS=-Xmx3g}.
     */
    public List<String> heapOptions() {
        return switch (name) {
            case "executor" -> List.of("-Xms32m", "-Xmx192m");
            default -> List.of("-Xms32m", "-Xmx128m");
        };
    }

    /** The same service on another port. */
    public ServiceSpec onPort(int otherPort) {
        return new ServiceSpec(name, module, otherPort);
    }

    /** Looks a service up by name. */
    public static ServiceSpec named(String name) {
        return ALL.stream().filter(s -> s.name.equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service named " + name));
    }
}
