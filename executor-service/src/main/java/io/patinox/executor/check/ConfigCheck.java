package io.patinox.executor.check;

import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.config.AgentFileReader;
import io.patinox.executor.config.InvalidAgentConfig;
import io.patinox.executor.tools.BuiltInTools;
import io.patinox.executor.workflow.InvalidWorkflowConfig;
import io.patinox.executor.workflow.WorkflowChecks;
import io.patinox.executor.workflow.WorkflowDefinition;
import io.patinox.executor.workflow.WorkflowFileReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Checks a config directory's agents and workflows outside the running executor, with the executor's own readers
 * ({@link AgentFileReader}, {@link WorkflowFileReader}) and wiring checks ({@link WorkflowChecks}) against its
 * built-in tools: what {@code ./patinox check-config} runs. Unlike a load, it goes on after a bad file, so every
 * file's problems are reported at once. Plain Java: no CDI, no Quarkus.
 */
public final class ConfigCheck {

    private ConfigCheck() {
    }

    /** Every problem of {@code configDir}'s {@code agents/} and {@code workflows/}, file by file; empty when all load. */
    public static List<ConfigProblem> check(Path configDir) {
        List<ConfigProblem> problems = new ArrayList<>();
        Map<String, AgentDefinition> agents = new TreeMap<>();
        Path agentDir = configDir.resolve("agents");
        if (!Files.isDirectory(agentDir)) {
            problems.add(new ConfigProblem(agentDir.toString(), -1, null, "no agents directory"));
        }
        for (Path file : yamlFiles(agentDir, problems)) {
            try {
                AgentDefinition agent = AgentFileReader.read(file);
                agents.put(agent.name(), agent);
            } catch (InvalidAgentConfig e) {
                problems.addAll(ConfigProblem.parse(file, e.getMessage()));
            }
        }
        Map<String, WorkflowDefinition> workflows = new TreeMap<>();
        for (Path file : yamlFiles(configDir.resolve("workflows"), problems)) {
            try {
                WorkflowDefinition wf = WorkflowFileReader.read(file);
                workflows.put(wf.name(), wf);
            } catch (InvalidWorkflowConfig e) {
                problems.addAll(ConfigProblem.parse(file, e.getMessage()));
            }
        }
        WorkflowChecks.Known known = new WorkflowChecks.Known(agents.keySet(), BuiltInTools.IDEMPOTENT.keySet(),
                tool -> BuiltInTools.IDEMPOTENT.getOrDefault(tool, false),
                agents.values().stream().collect(Collectors.toMap(AgentDefinition::name, AgentDefinition::tools)));
        WorkflowChecks.problems(workflows, known).forEach((source, found) -> {
            Path file = Path.of(source);
            found.forEach(p -> problems.addAll(ConfigProblem.parse(file, file + ": " + p)));
        });
        return problems;
    }

    /** The {@code *.yaml}/{@code *.yml} files of {@code dir} in name order; none when it does not exist. */
    private static List<Path> yamlFiles(Path dir, List<ConfigProblem> problems) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")).sorted().toList();
        } catch (IOException e) {
            problems.add(new ConfigProblem(dir.toString(), -1, null, "cannot list: " + e.getMessage()));
            return List.of();
        }
    }
}
