package io.patinox.executor.tools;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClockToolTest {

    @Test
    void tellsTheTimeOfTheClockItIsGivenToTheSecond() {
        Clock clock = Clock.fixed(Instant.parse("2031-02-03T04:05:06.789Z"), ZoneOffset.UTC);
        assertThat(new ClockTool(clock).execute(Map.of())).isEqualTo("2031-02-03T04:05:06Z");
    }
}
