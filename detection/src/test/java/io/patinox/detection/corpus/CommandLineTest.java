package io.patinox.detection.corpus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CommandLineTest {

    @Test
    void readsOptionsAndNamesTheOneThatDoesNotRead() {
        CommandLine line = CommandLine.parse(new String[] { "in", "out", "--c", "4", "--min-n", "two" }, "usage", "--c",
                "--min-n", "--max-n");
        assertThat(line.argument(1)).isEqualTo("out");
        assertThat(line.option("--c", Double::parseDouble, 16.0)).isEqualTo(4.0);
        assertThat(line.option("--max-n", Integer::parseInt, 5)).isEqualTo(5);
        assertThatThrownBy(() -> line.option("--min-n", Integer::parseInt, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("option --min-n: cannot read 'two'");
        assertThatThrownBy(() -> CommandLine.parse(new String[] { "in", "out", "--min" }, "usage", "--min-n"))
                .hasMessage("unknown option --min");
    }
}
