package io.patinox.validator.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyRegistryTest {

    @TempDir
    Path dir;

    private void git(String... args) throws Exception {
        var command = new java.util.ArrayList<>(java.util.List.of("git", "-C", dir.toString(), "-c", "user.name=t",
                "-c", "user.email=t@example.com"));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).isZero();
    }

    private void write(String yaml) throws IOException {
        Files.createDirectories(dir.resolve("policies"));
        Files.writeString(dir.resolve("policies/p.yaml"), yaml);
    }

    private static ValidatorConfig config() {
        return new ValidatorConfig() {
            public Duration defaultTimeout() {
                return Duration.ofMillis(200);
            }

            public int workerThreads() {
                return 1;
            }

            public Duration reloadInterval() {
                return Duration.ZERO;
            }

            public String defaultReplyTopic() {
                return "patinox.validation.replies";
            }

            public Judge judge() {
                return new Judge() {
                    public String baseUrl() {
                        return "http://127.0.0.1:9/v1";
                    }

                    public String apiKey() {
                        return "none";
                    }

                    public String model() {
                        return "judge";
                    }

                    public Duration timeout() {
                        return Duration.ofSeconds(1);
                    }
                };
            }
        };
    }

    @Test
    void reloadsACommittedChangeAndRefusesAnInvalidOneKeepingTheLastGood() throws Exception {
        git("init", "-q");
        write("validators: [{type: rules}]\n");
        git("add", ".");
        git("commit", "-q", "-m", "first");
        var registry = new PolicyRegistry(dir.toString(), config());
        String first = registry.current().configVersion();
        assertThat(first).matches("[0-9a-f]{40}");
        assertThat(registry.reloadIfChanged()).isFalse();

        write("validators: [{type: rules}, {type: pii}]\n");
        git("commit", "-q", "-am", "second");
        assertThat(registry.reloadIfChanged()).isTrue();
        assertThat(registry.policy("p").orElseThrow().steps()).hasSize(2);
        String second = registry.current().configVersion();
        assertThat(second).isNotEqualTo(first).doesNotEndWith("-dirty");

        write("validators: [{type: nonsense}]\n");
        assertThat(registry.reloadIfChanged()).isFalse();
        assertThat(registry.current().configVersion()).isEqualTo(second);
        assertThat(registry.policy("p").orElseThrow().steps()).hasSize(2);
    }
}
