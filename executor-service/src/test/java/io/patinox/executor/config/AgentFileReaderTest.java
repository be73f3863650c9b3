package io.patinox.executor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.config.ConfigVersion;
import io.patinox.contracts.validation.FailMode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentFileReaderTest {

    @TempDir
    Path dir;

    Path write(String name, String yaml) throws IOException {
        return Files.writeString(dir.resolve(name + ".yaml"), yaml);
    }

    @Test
    void readsTheSampleSupportAgent() {
        AgentDefinition support = AgentFileReader.read(Path.of("../config/agents/support.yaml"));
        assertThat(support.name()).isEqualTo("support");
        assertThat(support.modelProvider()).isEqualTo("scripted");
        assertThat(support.tools()).containsExactly("calculator", "clock", "refund");
        assertThat(support.stepDeadline()).isEqualTo(Duration.ofSeconds(2));
        assertThat(support.failMode()).isEqualTo(FailMode.CLOSED);
        assertThat(support.maxSteps()).isEqualTo(8);
        assertThat(support.maxRetries()).isEqualTo(2);
        assertThat(support.policy()).isEqualTo("default");
    }

    @Test
    void defaultsAndDurations() throws IOException {
        AgentDefinition a = AgentFileReader.read(write("a", "name: a\nmodel: scripted/x\nstepDeadline: 300\n"));
        assertThat(a.stepDeadline()).isEqualTo(Duration.ofMillis(300));
        assertThat(a.failMode()).isEqualTo(FailMode.CLOSED);
        assertThat(a.policy()).isEqualTo("default");
        assertThat(AgentFileReader.read(write("b", "name: b\nmodel: scripted/m\nstepDeadline: PT1.5S\nfailMode: open\n"))
                .failMode())
                .isEqualTo(FailMode.OPEN);
    }

    @Test
    void invalidFilesNameTheFileAndTheField() throws IOException {
        Path unknown = write("u", "name: u\nmodel: scripted/m\nmaxStep: 3\n");
        assertThatThrownBy(() -> AgentFileReader.read(unknown)).isInstanceOf(InvalidAgentConfig.class)
                .hasMessageContaining("u.yaml").hasMessageContaining("maxStep").hasMessageContaining("line 3");
        Path missing = write("m", "name: m\ntools: [calculator]\n");
        assertThatThrownBy(() -> AgentFileReader.read(missing)).hasMessageContaining("m.yaml")
                .hasMessageContaining("'model' is required");
        Path badType = write("t", "name: t\nmodel: scripted/m\nmaxSteps: many\n");
        assertThatThrownBy(() -> AgentFileReader.read(badType)).hasMessageContaining("t.yaml").hasMessageContaining("maxSteps");
        Path badDeadline = write("d", "name: d\nmodel: scripted/m\nstepDeadline: soon\n");
        assertThatThrownBy(() -> AgentFileReader.read(badDeadline)).hasMessageContaining("'stepDeadline' is not a duration");
        Path badMode = write("f", "name: f\nmodel: scripted/m\nfailMode: sometimes\n");
        assertThatThrownBy(() -> AgentFileReader.read(badMode)).hasMessageContaining("'failMode'");
        Path wrongName = write("w", "name: other\nmodel: scripted/m\n");
        assertThatThrownBy(() -> AgentFileReader.read(wrongName)).hasMessageContaining("'name' is 'other'");
    }

    @Test
    void theSchemaRefusesEveryViolationAtOnceNamingFieldAndLine() throws IOException {
        Path bad = write("s", """
                name: s
                model: gpt-4
                instructions: Be brief.
                tools: [calculator, calculator]
                maxSteps: 0
                failMode: sometimes
                maxCostUsd: -1
                """);
        assertThatThrownBy(() -> AgentFileReader.read(bad)).isInstanceOf(InvalidAgentConfig.class)
                .hasMessageStartingWith(bad + ": ")
                .hasMessageContaining("field 'model'").hasMessageContaining("(line 2)")
                .hasMessageContaining("field 'tools'").hasMessageContaining("(line 4)")
                .hasMessageContaining("field 'maxSteps'").hasMessageContaining("(line 5)")
                .hasMessageContaining("field 'failMode'").hasMessageContaining("(line 6)")
                .hasMessageContaining("field 'maxCostUsd'").hasMessageContaining("(line 7)");
        Path unknown = write("k", "name: k\nmodel: scripted/k\nbudget: 3\n");
        assertThatThrownBy(() -> AgentFileReader.read(unknown))
                .hasMessageContaining("field 'budget' is not a field of an agent").hasMessageContaining("maxSteps")
                .hasMessageContaining("(line 3)");
        assertThatThrownBy(() -> AgentFileReader.read(write("y", "name: y\nmodel: [unclosed\n")))
                .hasMessageContaining("not valid YAML");
        assertThatThrownBy(() -> AgentFileReader.read(write("e", ""))).hasMessageContaining("empty");
    }

    @Test
    void everyAgentInTheRepositoryMatchesTheSchema() throws IOException {
        try (var files = Files.list(Path.of("../config/agents"))) {
            files.filter(f -> f.toString().endsWith(".yaml")).forEach(f -> assertThat(AgentFileReader.read(f).name())
                    .isEqualTo(f.getFileName().toString().replace(".yaml", "")));
        }
    }

    @Test
    void configVersionOfANonGitDirectoryIsUnversioned() {
        assertThat(ConfigVersion.of(dir)).isEqualTo(ConfigVersion.UNVERSIONED);
        assertThat(ConfigVersion.of(Path.of("src/test/resources/config"))).matches("[0-9a-f]{40}(-dirty)?|unversioned");
    }
}
