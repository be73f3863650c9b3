package io.patinox.executor.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
        assertThat(AgentFileReader.read(write("b", "name: b\nmodel: m\nstepDeadline: PT1.5S\nfailMode: open\n")).failMode())
                .isEqualTo(FailMode.OPEN);
    }

    @Test
    void invalidFilesNameTheFileAndTheField() throws IOException {
        Path unknown = write("u", "name: u\nmodel: m\nmaxStep: 3\n");
        assertThatThrownBy(() -> AgentFileReader.read(unknown)).isInstanceOf(InvalidAgentConfig.class)
                .hasMessageContaining("u.yaml").hasMessageContaining("maxStep").hasMessageContaining("line 3");
        Path missing = write("m", "name: m\ntools: [calculator]\n");
        assertThatThrownBy(() -> AgentFileReader.read(missing)).hasMessageContaining("m.yaml").hasMessageContaining("'model' is required");
        Path badType = write("t", "name: t\nmodel: m\nmaxSteps: many\n");
        assertThatThrownBy(() -> AgentFileReader.read(badType)).hasMessageContaining("t.yaml").hasMessageContaining("maxSteps");
        Path badDeadline = write("d", "name: d\nmodel: m\nstepDeadline: soon\n");
        assertThatThrownBy(() -> AgentFileReader.read(badDeadline)).hasMessageContaining("'stepDeadline' is not a duration");
        Path badMode = write("f", "name: f\nmodel: m\nfailMode: sometimes\n");
        assertThatThrownBy(() -> AgentFileReader.read(badMode)).hasMessageContaining("'failMode'");
        Path wrongName = write("w", "name: other\nmodel: m\n");
        assertThatThrownBy(() -> AgentFileReader.read(wrongName)).hasMessageContaining("'name' is 'other'");
    }

    @Test
    void configVersionOfANonGitDirectoryIsUnversioned() {
        assertThat(ConfigVersion.of(dir)).isEqualTo(ConfigVersion.UNVERSIONED);
        assertThat(ConfigVersion.of(Path.of("src/test/resources/config"))).matches("[0-9a-f]{40}(-dirty)?|unversioned");
    }
}
