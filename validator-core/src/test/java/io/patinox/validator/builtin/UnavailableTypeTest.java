package io.patinox.validator.builtin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.validator.ml.AttackSimilarityCheck;
import io.patinox.validator.policy.PolicyException;
import io.patinox.validator.policy.PolicyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnavailableTypeTest {

    @TempDir
    Path dir;

    @Test
    void aPolicyNamingATypeThisClasspathCannotRunDoesNotLoadAndSaysWhatIsMissing() throws Exception {
        var loader = new PolicyLoader(List.of(new RulesValidator.Factory(),
                new UnavailableType("attack-similarity", "the module x")), Duration.ofMillis(200));
        Path file = Files.writeString(dir.resolve("p.yaml"), "validators: [{type: rules}, {type: attack-similarity}]\n");
        assertThatThrownBy(() -> loader.load(file)).isInstanceOf(PolicyException.class)
                .hasMessage(file + ": validators[1] (attack-similarity): type 'attack-similarity' cannot run here: it "
                        + "needs the module x, which is not on the classpath");
    }

    @Test
    void withTheModuleVectorsOnTheClasspathAttackSimilarityRuns() {
        assertThat(BuiltInValidators.EMBEDDINGS).isTrue();
        assertThat(BuiltInValidators.factories(Path.of("../config"))).filteredOn(f -> f.type().equals("attack-similarity"))
                .singleElement().isInstanceOf(AttackSimilarityCheck.Factory.class);
    }
}
