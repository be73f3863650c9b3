package io.patinox.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.contracts.verdict.Verdict.Kind;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTest {

    private static final Verdict ALLOW = new Verdict.Allow();
    private static final Verdict MODIFY = new Verdict.Modify(new Action.FinalAnswer("[EMAIL]"), "pii");
    private static final Verdict RETRY = new Verdict.Retry("cite a source");
    private static final Verdict DIVERT = new Verdict.Divert(Verdict.Divert.HUMAN_REVIEW, "unsure");
    private static final Verdict BLOCK = new Verdict.Block("injection");

    @Test
    void foldReachesEachCase() {
        List<String> names = List.of(ALLOW, MODIFY, RETRY, DIVERT, BLOCK).stream()
                .map(v -> v.fold(a -> "allow", m -> "modify:" + m.reason(), r -> "retry:" + r.feedback(),
                        d -> "divert:" + d.target(), b -> "block:" + b.reason()))
                .toList();
        assertThat(names).containsExactly("allow", "modify:pii", "retry:cite a source", "divert:human-review",
                "block:injection");
    }

    @Test
    void strongestWinsInTheDocumentedOrder() {
        assertThat(ALLOW.strongest(MODIFY)).isEqualTo(MODIFY);
        assertThat(MODIFY.strongest(RETRY)).isEqualTo(RETRY);
        assertThat(RETRY.strongest(DIVERT)).isEqualTo(DIVERT);
        assertThat(DIVERT.strongest(BLOCK)).isEqualTo(BLOCK);
        assertThat(BLOCK.strongest(ALLOW)).isEqualTo(BLOCK);
        assertThat(Kind.RETRY.max(Kind.MODIFY)).isEqualTo(Kind.RETRY);
        assertThat(List.of(ALLOW, BLOCK, MODIFY, DIVERT).stream().reduce(ALLOW, Verdict::strongest)).isEqualTo(BLOCK);
    }

    @Test
    void kindMatchesTheCase() {
        assertThat(List.of(ALLOW, MODIFY, RETRY, DIVERT, BLOCK).stream().map(Verdict::kind))
                .containsExactly(Kind.ALLOW, Kind.MODIFY, Kind.RETRY, Kind.DIVERT, Kind.BLOCK);
    }
}
