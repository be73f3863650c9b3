package io.patinox.analyzer.service;

import java.time.Instant;

/** The compaction keys of {@code patinox.aggregates}. */
public final class Subjects {

    private Subjects() {
    }

    /**
     * {@code agent=support|version=ab12|window=total}, or for a tumbling window
     * {@code agent=support|version=ab12|window=PT1M|start=2026-11-25T14:20:00Z}.
     */
    public static String subject(String agent, String configVersion, String window, Instant windowStart) {
        String base = "agent=" + agent + "|version=" + configVersion + "|window=" + window;
        return windowStart == null ? base : base + "|start=" + windowStart;
    }
}
