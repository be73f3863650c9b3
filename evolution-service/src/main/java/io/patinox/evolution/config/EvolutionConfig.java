package io.patinox.evolution.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

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

    /**
     * The agents' configuration directory, inside a git checkout (the config repository). Proposals are committed
     * on branches of that repository without touching its working tree or HEAD.
     */
    @WithDefault("${patinox.config.dir:config}")
    String configDir();

    /**
     * Whether proposals are committed to the config repository. Off, they are only recorded as {@code DRAFTED}:
     * useful where the config directory lives in a repository that must not grow branches (a developer's checkout).
     */
    @WithDefault("true")
    boolean commit();

    /** The git remote proposal branches are pushed to; none by default (local review records). */
    Optional<String> remote();

    /** Rules that turn aggregates into proposals. */
    Rules rules();

    /** Thresholds of the rule-based proposal generator. */
    interface Rules {

        /** Fewest steps in a total before any rate is trusted. */
        @WithDefault("10")
        long minSteps();

        /** Share of steps whose verdict came from the fail mode from which the agent's step deadline is raised. */
        @WithDefault("0.2")
        double timeoutRate();

        /** The step deadline is multiplied by this, up to {@link #maxDeadline()}. */
        @WithDefault("2")
        int deadlineFactor();

        /** Largest step deadline a proposal sets. */
        @WithDefault("PT30S")
        Duration maxDeadline();

        /** Smallest failure cluster of blocked attacks whose exemplars are proposed as known attacks. */
        @WithDefault("3")
        long minClusterSize();

        /** The known-attack corpus, relative to the config directory. */
        @WithDefault("corpus/injection/attacks-project.txt")
        String knownAttacks();
    }
}
