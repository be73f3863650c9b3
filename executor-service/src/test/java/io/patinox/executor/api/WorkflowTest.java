package io.patinox.executor.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.validation.FailMode;
import io.patinox.executor.config.AgentDefinition;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class WorkflowTest {

    @Test
    void thenBranchAndParallelCompose() {
        Workflow<String, Integer> words = Workflow.of(String::trim).then(s -> s.split("\\s+").length);
        Workflow<String, String> size = words.branch(n -> n > 3, n -> "long:" + n, n -> "short:" + n);
        assertThat(size.run("  one two  ")).isEqualTo("short:2");
        assertThat(size.run("a b c d e")).isEqualTo("long:5");

        Workflow<String, String> both = Workflow.of(String::strip)
                .parallel(String::toUpperCase, String::length, (upper, length) -> upper + "/" + length);
        assertThat(both.run(" abc ")).isEqualTo("ABC/3");
    }

    @Test
    void theStagedBuilderBuildsAnAgentOnceTheRequiredPartsAreSet() {
        AgentDefinition agent = AgentBuilder.named("java-calc")
                .model("scripted/test")
                .instructions("Calculate.")
                .policy("default")
                .tools("calculator")
                .stepDeadline(Duration.ofMillis(500))
                .failMode(FailMode.OPEN)
                .build();
        assertThat(agent.name()).isEqualTo("java-calc");
        assertThat(agent.tools()).isEqualTo(List.of("calculator"));
        assertThat(agent.failMode()).isEqualTo(FailMode.OPEN);
        assertThat(agent.maxSteps()).isEqualTo(8);
        assertThatThrownBy(() -> AgentBuilder.named(" ")).hasMessageContaining("'name'");
        assertThatThrownBy(() -> AgentBuilder.named("x").model("m").instructions("").policy("p").maxSteps(0))
                .hasMessageContaining("maxSteps");
    }
}
