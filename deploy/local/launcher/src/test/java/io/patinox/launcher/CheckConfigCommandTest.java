package io.patinox.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.config.ConfigTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./patinox check-config [dir]}: the executor's readers and checks on a config directory. */
class CheckConfigCommandTest {

    private static final Path SAMPLES = Path.of("../../../config");
    private final List<String> out = new ArrayList<>();
    private final List<String> err = new ArrayList<>();

    @Test
    void theRepositorysConfigPasses() {
        assertThat(CheckConfigCommand.run(List.of(), SAMPLES, out::add, err::add)).isZero();
        assertThat(err).isEmpty();
        assertThat(out).singleElement().asString().startsWith("config OK: 3 agent(s), 1 workflow(s)");
    }

    @Test
    void aBadWorkflowIsPrintedAsFileLineFieldMessageAndExitsNonZero(@TempDir Path dir) throws Exception {
        ConfigTree.copy(SAMPLES, dir);
        Path bad = dir.resolve("workflows/refund-request.yaml");
        String yaml = Files.readString(bad).replace("tool: refund", "tool: refnud");
        Files.writeString(bad, yaml);
        int line = yaml.lines().toList().indexOf("          tool: refnud") + 1;

        assertThat(CheckConfigCommand.run(List.of(dir.toString()), SAMPLES, out::add, err::add)).isEqualTo(1);

        assertThat(err).first().asString()
                .startsWith(bad + ":" + line + ": steps[1].branch.then[1].tool: names an unknown tool 'refnud'");
        assertThat(err).last().asString().isEqualTo("1 problem(s) in " + dir);
        assertThat(out).isEmpty();
    }
}
