package io.patinox.runtime.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LogSafeTest {

    @Test
    void dropsTheQuotedSourceAndMasksPersonalData() {
        String jackson = "not valid JSON at line 1, column 9 (expected TaskSubmitted): Unrecognized token 'zoe':"
                + " was expecting (JSON String)\n at [Source: (byte[])\"{\"input\":\"zoe@x.org 4111 1111 1111 1111\"; line: 1]";
        String safe = LogSafe.message(jackson);
        assertThat(safe).startsWith("not valid JSON at line 1, column 9 (expected TaskSubmitted)")
                .doesNotContain("zoe").doesNotContain("4111").doesNotContain("Source");
        assertThat(LogSafe.message("field 'agent' is missing; mail a.b@c.io or call 4111-1111-1111-1111"))
                .isEqualTo("field 'agent' is missing; mail [email] or call [digits]");
        assertThat(LogSafe.message(null)).isEmpty();
        assertThat(LogSafe.message("x".repeat(1000))).hasSize(LogSafe.MAX + 1);
    }
}
