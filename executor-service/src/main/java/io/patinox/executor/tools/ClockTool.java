package io.patinox.executor.tools;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.Map;

/** {@code clock}: the current time in UTC, ISO-8601 to the second. */
@ApplicationScoped
public class ClockTool implements Tool {

    private final Clock clock;

    ClockTool(Clock clock) {
        this.clock = clock;
    }

    /** Reads only: safe to repeat after a crash. */
    @Override
    public boolean idempotent() {
        return true;
    }

    @Override
    public String name() {
        return "clock";
    }

    @Override
    public String description() {
        return "The current date and time in UTC. No arguments.";
    }

    @Override
    public String execute(Map<String, Object> arguments) {
        return clock.instant().truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
