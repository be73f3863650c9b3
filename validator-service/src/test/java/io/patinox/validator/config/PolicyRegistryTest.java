package io.patinox.validator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.validator.ml.AttackSimilarityCheck;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
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

            public Duration warmUpTimeout() {
                return Duration.ZERO;
            }

            public int warmUpRequests() {
                return 0;
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

    @Test
    void warmsOnlyThePoliciesThatAgentsOrWorkflowsNameSoAnUnusedOneLoadsNoModel() throws Exception {
        // The sample config: agents use 'default', the workflow 'refunds'; nobody names 'strict' (embedding model).
        var registry = new PolicyRegistry(Path.of("../config").toString(), config());
        var similarity = registry.policy("strict").orElseThrow().steps().stream().map(s -> s.validator())
                .filter(AttackSimilarityCheck.class::isInstance).map(AttackSimilarityCheck.class::cast).findFirst()
                .orElseThrow();
        assertThat(similarity.isLoaded()).isFalse();
        assertThat(PoliciesInUse.of(Path.of("../config"))).contains(Set.of("default", "refunds"));
    }

    @Test
    void policiesInUseAreWhatAgentsAndWorkflowsNameWithDefaultForNone() throws IOException {
        assertThat(PoliciesInUse.of(dir)).isEmpty(); // neither agents nor workflows: unknown, so all are warmed
        Files.createDirectories(dir.resolve("agents"));
        Files.createDirectories(dir.resolve("workflows"));
        Files.writeString(dir.resolve("agents/a.yaml"), "name: a\npolicy: strict\n");
        Files.writeString(dir.resolve("agents/b.yaml"), "name: b\n");
        Files.writeString(dir.resolve("agents/broken.yaml"), "name: [\n");
        Files.writeString(dir.resolve("agents/notes.txt"), "policy: llm\n");
        Files.writeString(dir.resolve("workflows/w.yml"), "name: w\npolicy: refunds\n");
        assertThat(PoliciesInUse.of(dir)).contains(Set.of("default", "refunds", "strict"));
    }
}
