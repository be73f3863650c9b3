package io.patinox.executor.tools;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Tool outputs fed back to the model are cut to the configured size, saying so. */
class ToolOutputLimitTest {

    @Test
    void anOutputWithinTheLimitIsUnchanged() {
        assertThat(ToolRegistry.capped("short", 10)).isEqualTo("short");
        assertThat(ToolRegistry.capped(null, 10)).isNull();
    }

    @Test
    void aLongerOutputIsCutWithANoteOfWhatWasLeftOut() {
        String capped = ToolRegistry.capped("a".repeat(100), 10);
        assertThat(capped).startsWith("a".repeat(10) + "\n[truncated by the executor: 10 of 100 characters shown")
                .contains("max-tool-output-chars");
    }

    @Test
    void aCutNeverSplitsASurrogatePair() {
        String capped = ToolRegistry.capped("abcdefghi😀xyz", 10);
        assertThat(capped).startsWith("abcdefghi\n");
    }
}
