package io.patinox.executor.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A changed config is picked up; an invalid change is refused and the last good config stays in force. */
class AgentRegistryReloadTest {

    @TempDir
    Path dir;

    AgentRegistry registry = new AgentRegistry();

    void write(String name, String yaml, int secondsAhead) throws IOException {
        Path file = Files.createDirectories(dir.resolve("agents")).resolve(name + ".yaml");
        Files.writeString(file, yaml);
        // Distinct modification times even on coarse file systems.
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().plusSeconds(secondsAhead)));
    }

    @Test
    void reloadsValidChangesAndKeepsTheLastGoodConfigOnInvalidOnes() throws IOException {
        write("a", "name: a\nmodel: scripted/a\nmaxSteps: 3\n", 0);
        registry.configDir = dir.toString();
        registry.reloadInterval = Duration.ZERO;
        registry.load();
        assertThat(registry.find("a").orElseThrow().maxSteps()).isEqualTo(3);
        assertThat(registry.reloadIfChanged()).isFalse();

        write("a", "name: a\nmodel: scripted/a\nmaxSteps: 5\n", 10);
        write("b", "name: b\nmodel: scripted/b\n", 10);
        assertThat(registry.reloadIfChanged()).isTrue();
        assertThat(registry.find("a").orElseThrow().maxSteps()).isEqualTo(5);
        assertThat(registry.all()).containsKeys("a", "b");

        write("b", "name: b\nmodel: scripted/b\nmaxSteps: lots\n", 20);
        assertThat(registry.reloadIfChanged()).isFalse();
        assertThat(registry.lastError()).contains("b.yaml").contains("maxSteps");
        assertThat(registry.all()).containsKeys("a", "b");
        assertThat(registry.find("a").orElseThrow().maxSteps()).isEqualTo(5);

        write("b", "name: b\nmodel: scripted/b\nmaxSteps: 2\n", 30);
        assertThat(registry.reloadIfChanged()).isTrue();
        assertThat(registry.lastError()).isNull();
        assertThat(registry.find("b").orElseThrow().maxSteps()).isEqualTo(2);
    }
}
