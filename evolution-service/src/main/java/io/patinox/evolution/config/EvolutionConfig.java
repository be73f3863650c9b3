package io.patinox.evolution.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Settings of the evolution service. */
@ConfigMapping(prefix = "patinox.evolution")
public interface EvolutionConfig {

    /** Log a one-line summary each time a subject's aggregate changes. */
    @WithDefault("true")
    boolean logChanges();

    /**
     * Most subjects kept in memory; past it, the windowed subjects with the oldest window are dropped first
     * (totals are kept), so a long-running service does not grow without bound.
     */
    @WithDefault("10000")
    int maxSubjects();
}
