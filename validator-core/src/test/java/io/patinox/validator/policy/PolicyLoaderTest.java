package io.patinox.validator.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.contracts.config.ConfigVersion;
import io.patinox.contracts.validation.FailMode;
import io.patinox.validator.builtin.BuiltInValidators;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PolicyLoaderTest {

    private final PolicyLoader loader = new PolicyLoader(BuiltInValidators.factories(Path.of("../config")),
            Duration.ofMillis(200));

    @TempDir
    Path dir;

    private Path write(String name, String yaml) throws IOException {
        Files.createDirectories(dir.resolve("policies"));
        return Files.writeString(dir.resolve("policies").resolve(name), yaml);
    }

    @Test
    void loadsTheRepositoryPoliciesCheapestFirst() {
        var policies = loader.loadAll(Path.of("../config"));
        Policy policy = policies.get("default");
        assertThat(policy.failMode()).isEqualTo(FailMode.CLOSED);
        assertThat(policy.latencyBudget()).isEqualTo(Duration.ofMillis(1000));
        assertThat(policy.steps()).extracting(s -> s.validator().name()).containsExactly("rules", "tool-schema", "pii",
                "injection-classifier");
        assertThat(policies.get("strict").steps()).extracting(s -> s.validator().name())
                .containsExactly("rules", "pii", "injection-classifier", "attack-similarity");
        assertThat(policies.get("strict").steps().get(3).isolated()).isTrue();
        assertThat(policy.steps()).noneMatch(Policy.Step::isolated);
        // Loads without a model endpoint: building the judges' client contacts nobody.
        assertThat(policies.get("llm").steps()).extracting(s -> s.validator().name())
                .containsExactly("rules", "pii", "injection-classifier", "jailbreak-judge", "groundedness-judge");
        assertThat(policies.get("llm").steps().subList(3, 5)).allMatch(Policy.Step::isolated);
    }

    @Test
    void ordersByCostThenFileOrderAndAppliesDefaults() throws IOException {
        write("p.yaml", """
                validators:
                  - {type: pii}
                  - {type: rules, name: strict-rules, timeoutMs: 20}
                  - {type: pii, name: pii-again, cost: 1}
                """);
        Policy p = loader.loadAll(dir).get("p");
        assertThat(p.steps()).extracting(s -> s.validator().name()).containsExactly("pii-again", "strict-rules", "pii");
        assertThat(p.steps().get(1).timeout()).isEqualTo(Duration.ofMillis(20));
        assertThat(p.steps().get(2).timeout()).isEqualTo(Duration.ofMillis(200));
        assertThat(p.failMode()).isEqualTo(FailMode.CLOSED);
    }

    @Test
    void aPolicyMayCarryTheExecutorsReviewSettings() throws IOException {
        write("p.yaml", """
                review: {timeout: PT24H, onTimeout: reject}
                validators: [{type: rules}]
                """);
        assertThat(loader.loadAll(dir).get("p").steps()).extracting(s -> s.validator().name()).containsExactly("rules");
        assertThat(loader.loadAll(Path.of("../config"))).containsKey("refunds");
    }

    @Test
    void namesFileAndFieldOfAnUnknownField() throws IOException {
        Path file = write("bad.yaml", "failMode: closed\nvalidatorz: []\n");
        assertThatThrownBy(() -> loader.loadAll(dir)).isInstanceOf(PolicyException.class)
                .hasMessageStartingWith(file + ": field 'validatorz'");
    }

    @Test
    void namesFileAndFieldOfBadValues() throws IOException {
        Path file = write("bad.yaml", "failMode: sometimes\nvalidators: [{type: rules}]\n");
        assertThatThrownBy(() -> loader.load(file))
                .hasMessage(file + ": field 'failMode': expected closed or open but was 'sometimes'");
        Files.writeString(file, "validators: [{type: rules}, {type: regexes}]\n");
        assertThatThrownBy(() -> loader.load(file))
                .hasMessage(file
                        + ": validators[1]: field 'type': unknown validator type 'regexes' (known: [attack-similarity, groundedness-judge, injection-classifier, jailbreak-judge, pii, rules, tool-schema])");
        Files.writeString(file, "validators: [{type: pii, params: {kinds: [mail]}}]\n");
        assertThatThrownBy(() -> loader.load(file))
                .hasMessageStartingWith(file + ": validators[0] (pii): params.kinds[0]: unknown kind 'mail'");
        Files.writeString(file, "validators: [{type: rules, timeoutMs: fast}]\n");
        assertThatThrownBy(() -> loader.load(file)).hasMessageStartingWith(file + ": field 'validators[0].timeoutMs'");
        Files.writeString(file, "name: other\nvalidators: [{type: rules}]\n");
        assertThatThrownBy(() -> loader.load(file)).hasMessageContaining("field 'name': 'other' differs");
        Files.writeString(file, "validators: []\n");
        assertThatThrownBy(() -> loader.load(file)).hasMessageContaining("field 'validators': at least one");
        Files.writeString(file, "validators: [{type: rules}, {type: rules}]\n");
        assertThatThrownBy(() -> loader.load(file)).hasMessageContaining("validators[1]: field 'name': 'rules' is used twice");
    }

    @Test
    void configVersionIsUnversionedOutsideGit() {
        assertThat(ConfigVersion.of(dir)).isEqualTo(ConfigVersion.UNVERSIONED);
        assertThat(ConfigVersion.of(Path.of("../config"))).matches("[0-9a-f]{40}(-dirty)?");
    }
}
