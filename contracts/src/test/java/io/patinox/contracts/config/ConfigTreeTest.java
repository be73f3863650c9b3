package io.patinox.contracts.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigTreeTest {

    @TempDir
    Path tmp;

    @Test
    void copiesEveryFileAndFolderButGitsOwn() throws Exception {
        Path from = tmp.resolve("config");
        Files.createDirectories(from.resolve("agents"));
        Files.createDirectories(from.resolve("scripts/empty"));
        Files.createDirectories(from.resolve(".git/objects"));
        Files.writeString(from.resolve("agents/a.yaml"), "name: a\n");
        Files.writeString(from.resolve(".gitignore"), "*.tmp\n");
        Files.writeString(from.resolve(".git/HEAD"), "ref: refs/heads/main\n");

        Path to = tmp.resolve("copy");
        ConfigTree.copy(from, to);

        assertThat(Files.readString(to.resolve("agents/a.yaml"))).isEqualTo("name: a\n");
        assertThat(to.resolve("scripts/empty")).isDirectory();
        assertThat(to.resolve(".gitignore")).exists();
        assertThat(to.resolve(".git")).doesNotExist();
    }
}
