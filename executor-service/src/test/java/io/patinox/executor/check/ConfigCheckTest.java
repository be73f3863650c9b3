package io.patinox.executor.check;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.config.ConfigTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checks of {@code ./patinox check-config}: the executor's readers and wiring checks on a whole directory. */
class ConfigCheckTest {

    @TempDir
    Path dir;

    @Test
    void theRepositorysConfigHasNoProblems() {
        assertThat(ConfigCheck.check(Path.of("../config"))).isEmpty();
    }

    @Test
    void everyBadFileIsReportedWithItsLineAndFieldNotOnlyTheFirst() throws IOException {
        ConfigTree.copy(Path.of("../config"), dir);
        Path agent = Files.writeString(dir.resolve("agents/broken.yaml"), "name: broken\nmodel: scripted/x\nmaxStep: 3\n");
        Path schema = Files.writeString(dir.resolve("workflows/typo.yaml"), """
                name: typo
                steps:
                  - id: first
                    tool: calculator
                    argumentz: {expression: "1 + 1"}
                """);
        Path wiring = Files.writeString(dir.resolve("workflows/wiring.yaml"), """
                name: wiring
                steps:
                  - id: ask
                    agent: nobody
                  - id: pay
                    tool: refund
                    arguments: {orderId: "${steps.later.output}", amount: 1}
                """);

        var problems = ConfigCheck.check(dir);

        assertThat(problems).extracting(ConfigProblem::toString)
                .contains(wiring
                        + ":4: steps[0].agent: names an unknown agent 'nobody' (known: [order-history, support, triage])");
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(agent.toString());
            assertThat(p.line()).isEqualTo(3);
            assertThat(p.field()).isEqualTo("maxStep");
            assertThat(p.message()).startsWith("is not a field of an agent");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(schema.toString());
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.field()).isEqualTo("steps[0].argumentz");
        });
        assertThat(problems).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo(wiring.toString());
            assertThat(p.line()).isEqualTo(7);
            assertThat(p.field()).isEqualTo("steps[1].arguments.orderId");
        });
        assertThat(problems).allSatisfy(p -> assertThat(p.file()).isIn(agent.toString(), schema.toString(), wiring.toString()));
    }

    @Test
    void aYamlSyntaxErrorNamesItsLine() throws IOException {
        Files.createDirectories(dir.resolve("agents"));
        Files.writeString(dir.resolve("agents/a.yaml"), "name: a\nmodel: scripted/a\n");
        Files.createDirectories(dir.resolve("workflows"));
        Path bad = Files.writeString(dir.resolve("workflows/w.yaml"), "name: w\nsteps:\n  - id: [unclosed\n");

        assertThat(ConfigCheck.check(dir)).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(bad.toString());
            assertThat(p.line()).isPositive();
            assertThat(p.message()).startsWith("not valid YAML");
        });
    }
}
