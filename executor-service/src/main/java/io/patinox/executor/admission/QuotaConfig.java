package io.patinox.executor.admission;

import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * Quotas ({@code patinox.executor.quota.*}): per API key and per agent, requests per second (a token bucket),
 * runs in progress, and tokens and cost per day (UTC days of the injected clock, from the usage on the runs'
 * results). Over a quota, {@code POST /tasks} answers 429 with {@code Retry-After}; a task arriving over Kafka ends
 * at once with a {@code RunResult} {@code BUDGET_EXCEEDED} whose reason names the quota. Zero means no limit.
 * Counted by each executor instance (docs/adr/0014-the-front-door.md).
 */
public interface QuotaConfig {

    /** Whether quotas are enforced; off, nothing is counted against them (metrics still show usage). */
    @WithDefault("true")
    boolean enabled();

    /** The limits of every API key, unless {@link #keys()} says otherwise for one. */
    Limits key();

    /**
     * The limits of every agent, unless {@link #agents()} says otherwise for one; application.properties lifts the
     * rate and concurrency for agents (tasks over Kafka are paced by the consumer) and keeps the daily figures.
     */
    Limits agent();

    /**
     * Limits of single API keys by key id ({@code key-} and the first 12 hex digits of the key's SHA-256, as the
     * metrics and refusals name it: {@code printf %s "$KEY" | sha256sum | cut -c1-12}), e.g.
     * {@code patinox.executor.quota.keys."key-3f2a9c0d1b7e".tokens-per-day=200000}.
     */
    Map<String, Override> keys();

    /** Limits of single agents by name, e.g. {@code patinox.executor.quota.agents.support.concurrent-runs=4}. */
    Map<String, Override> agents();

    /**
     * How long a task admitted here counts as in progress when its result is never seen (lost, or run by an
     * executor whose results this one cannot read): then its slot is freed.
     */
    @WithDefault("PT15M")
    Duration openRunExpiry();

    /** The limits of one key or agent. */
    interface Limits {
        /** Sustained requests per second (the bucket's refill); 0: no rate limit. */
        @WithDefault("20")
        int requestsPerSecond();

        /** Requests allowed at once on a full bucket (its capacity); at least the rate. */
        @WithDefault("40")
        int burst();

        /** Tasks admitted and not yet ended; 0: no limit. */
        @WithDefault("64")
        int concurrentRuns();

        /** Model tokens (input + output) per day; 0: no limit. */
        @WithDefault("0")
        long tokensPerDay();

        /** Estimated model cost in USD per day; 0: no limit. */
        @WithDefault("0")
        double costUsdPerDay();
    }

    /** Limits of one key or agent that differ from the defaults; what is not set is the default's. */
    interface Override {
        /** See {@link Limits#requestsPerSecond()}. */
        OptionalInt requestsPerSecond();

        /** See {@link Limits#burst()}. */
        OptionalInt burst();

        /** See {@link Limits#concurrentRuns()}. */
        OptionalInt concurrentRuns();

        /** See {@link Limits#tokensPerDay()}. */
        OptionalLong tokensPerDay();

        /** See {@link Limits#costUsdPerDay()}. */
        OptionalDouble costUsdPerDay();
    }

    /** The limits in force for one key or agent. */
    record Effective(int requestsPerSecond, int burst, int concurrentRuns, long tokensPerDay, double costUsdPerDay) {

        static Effective of(Limits base, Optional<Override> o) {
            return new Effective(
                    o.flatMap(v -> box(v.requestsPerSecond())).orElse(base.requestsPerSecond()),
                    o.flatMap(v -> box(v.burst())).orElse(base.burst()),
                    o.flatMap(v -> box(v.concurrentRuns())).orElse(base.concurrentRuns()),
                    o.flatMap(v -> v.tokensPerDay().isPresent() ? Optional.of(v.tokensPerDay().getAsLong()) : Optional.empty())
                            .orElse(base.tokensPerDay()),
                    o.flatMap(v -> v.costUsdPerDay().isPresent() ? Optional.of(v.costUsdPerDay().getAsDouble())
                            : Optional.empty())
                            .orElse(base.costUsdPerDay()));
        }

        private static Optional<Integer> box(OptionalInt v) {
            return v.isPresent() ? Optional.of(v.getAsInt()) : Optional.empty();
        }
    }
}
