package io.patinox.executor.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.tools.ToolRegistry;
import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changed workflow is picked up; a bad one is refused naming file, line and field, and the last good one stays. */
class WorkflowRegistryReloadTest {

    @TempDir
    Path dir;

    void write(String folder, String name, String yaml, int secondsAhead) throws IOException {
        Path file = Files.createDirectories(dir.resolve(folder)).resolve(name + ".yaml");
        Files.writeString(file, yaml);
        // Distinct modification times even on coarse file systems.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    WorkflowRegistry registry() throws ReflectiveOperationException {
        AgentRegistry agents = new AgentRegistry();
        set(agents, "configDir", dir.toString());
        set(agents, "reloadInterval", Duration.ZERO);
        var load = AgentRegistry.class.getDeclaredMethod("load");
        load.setAccessible(true);
        load.invoke(agents);
        WorkflowRegistry registry = new WorkflowRegistry();
        registry.agents = agents;
        registry.tools = new ToolRegistry();
        registry.load();
        return registry;
    }

    static void set(Object target, String field, Object value) throws ReflectiveOperationException {
        Field f = target.getClass().getDeclaredField(field);
        f.setAccessible(true);
        f.set(target, value);
    }

    @Test
    void aBadWorkflowFileIsRefusedWithFileLineAndFieldAndTheLastGoodOneKeepsRunning() throws Exception {
        write("agents", "a", "name: a\nmodel: scripted/a\n", 0);
        write("agents", "b", "name: b\nmodel: scripted/b\n", 0);
        write("workflows", "w", "name: w\nsteps:\n  - id: ask\n    agent: a\n", 0);
        WorkflowRegistry registry = registry();
        assertThat(registry.find("w").orElseThrow().steps()).singleElement()
                .isEqualTo(new WorkflowStep.Agent("ask", "a", null, null));

        write("workflows", "w", "name: w\nsteps:\n  - id: ask\n    agnet: b\n", 10);
        assertThat(registry.reloadIfChanged()).isFalse();
        assertThat(registry.lastError()).contains(dir.resolve("workflows/w.yaml").toString())
                .contains("field 'steps[0].agnet'").contains("(line 4)");
        assertThat(registry.find("w").orElseThrow().steps()).singleElement()
                .isEqualTo(new WorkflowStep.Agent("ask", "a", null, null));

        write("workflows", "w", "name: w\nsteps:\n  - id: ask\n    agent: nobody\n", 20);
        assertThat(registry.reloadIfChanged()).isFalse();
        assertThat(registry.lastError()).contains("field 'steps[0].agent' names an unknown agent 'nobody'")
                .contains("(line 4)");

        write("workflows", "w", "name: w\nsteps:\n  - id: ask\n    agent: b\n", 30);
        assertThat(registry.reloadIfChanged()).isTrue();
        assertThat(registry.lastError()).isNull();
        assertThat(registry.find("w").orElseThrow().steps()).singleElement()
                .isEqualTo(new WorkflowStep.Agent("ask", "b", null, null));
    }
}
