package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The raise-deadline rule reads a step deadline in every form the executor accepts. */
class DeadlineFormsTest {

    @Test
    void readsEveryFormTheExecutorReads() {
        assertThat(ProposalRules.deadline("1")).isEqualTo(Duration.ofMillis(1));
        assertThat(ProposalRules.deadline("300ms")).isEqualTo(Duration.ofMillis(300));
        assertThat(ProposalRules.deadline("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(ProposalRules.deadline("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(ProposalRules.deadline("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
        assertThatThrownBy(() -> ProposalRules.deadline("soon")).isInstanceOf(RuntimeException.class);
    }
}
