package io.patinox.executor.admission;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.patinox.contracts.events.RunResult;
import io.patinox.executor.config.ExecutorConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What each API key and agent has used against its quotas, on this executor instance: a Bucket4j token bucket per
 * key and agent for the request rate, the tasks admitted and not yet ended for the runs in progress, and the day's
 * tokens and cost, folded from the results of every executor (the run journal follows {@code patinox.results}).
 * Days are UTC days of the injected clock.
 */
@ApplicationScoped
public class QuotaLedger {

    /** A task admitted and not yet ended, and who it counts against. */
    private record Open(String key, String agent, Instant since) {
    }

    /** The day's spending of one key or agent. */
    private static final class Spent {
        long tokens;
        double costUsd;
    }

    @Inject
    ExecutorConfig config;

    @Inject
    Clock clock;

    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final Map<String, Open> open = new HashMap<>();
    private final Map<String, Integer> openCount = new HashMap<>();
    private final Map<String, Spent> spent = new HashMap<>();
    private LocalDate day;
    private Instant lastExpiry = Instant.EPOCH;

    /** The limits in force for {@code name} in {@code scope}. */
    public QuotaConfig.Effective limits(Scope scope, String name) {
        QuotaConfig q = config.quota();
        return scope == Scope.KEY ? QuotaConfig.Effective.of(q.key(), Optional.ofNullable(q.keys().get(name)))
                : QuotaConfig.Effective.of(q.agent(), Optional.ofNullable(q.agents().get(name)));
    }

    /**
     * Why a task of {@code key} (null: none) for {@code agent} is over a quota, or empty. Checks the day's tokens and
     * cost, then, if {@code countRuns}, the runs in progress, then, if {@code countRate}, takes a token from each
     * bucket (given back when the agent's bucket is empty after the key's gave one).
     */
    public synchronized Optional<Refusal> check(String key, String agent, boolean countRuns, boolean countRate) {
        rollDay();
        expireOpen();
        List<String[]> subjects = new ArrayList<>(2);
        if (key != null) {
            subjects.add(new String[] { Scope.KEY.name(), key });
        }
        subjects.add(new String[] { Scope.AGENT.name(), agent });
        for (String[] s : subjects) {
            Optional<Refusal> r = daily(Scope.valueOf(s[0]), s[1]);
            if (r.isPresent()) {
                return r;
            }
        }
        if (countRuns) {
            for (String[] s : subjects) {
                Scope scope = Scope.valueOf(s[0]);
                int limit = limits(scope, s[1]).concurrentRuns();
                int running = openCount.getOrDefault(slot(scope, s[1]), 0);
                if (limit > 0 && running >= limit) {
                    return Optional.of(new Refusal(Refusal.Kind.QUOTA, String.format(Locale.ROOT,
                            "quota exceeded: %s '%s' has %d runs in progress (limit %d concurrent runs)",
                            scope.label(), s[1], running, limit), Duration.ofSeconds(1), scope.tag() + " concurrency", s[1]));
                }
            }
        }
        if (countRate) {
            List<Bucket> taken = new ArrayList<>(2);
            for (String[] s : subjects) {
                Scope scope = Scope.valueOf(s[0]);
                QuotaConfig.Effective limits = limits(scope, s[1]);
                if (limits.requestsPerSecond() <= 0) {
                    continue;
                }
                Bucket bucket = buckets.computeIfAbsent(slot(scope, s[1]), k -> bucket(limits));
                ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
                if (!probe.isConsumed()) {
                    taken.forEach(b -> b.addTokens(1));
                    return Optional.of(new Refusal(Refusal.Kind.QUOTA, String.format(Locale.ROOT,
                            "quota exceeded: %s '%s' sent more than %d requests per second (burst %d)",
                            scope.label(), s[1], limits.requestsPerSecond(),
                            Math.max(limits.burst(), limits.requestsPerSecond())),
                            Duration.ofNanos(probe.getNanosToWaitForRefill()), scope.tag() + " rate", s[1]));
                }
                taken.add(bucket);
            }
        }
        return Optional.empty();
    }

    /**
     * Why the API key {@code key} is over its request rate right now, taking nothing from its bucket: the door asks
     * this before it reads a request's body, so that a flooding key costs little; {@link #check} still takes the token.
     */
    public synchronized Optional<Refusal> rateExhausted(String key) {
        Bucket bucket = buckets.get(slot(Scope.KEY, key));
        if (bucket == null || bucket.getAvailableTokens() >= 1) {
            return Optional.empty();
        }
        QuotaConfig.Effective limits = limits(Scope.KEY, key);
        return Optional.of(new Refusal(Refusal.Kind.QUOTA, String.format(Locale.ROOT,
                "quota exceeded: %s '%s' sent more than %d requests per second (burst %d)", Scope.KEY.label(), key,
                limits.requestsPerSecond(), Math.max(limits.burst(), limits.requestsPerSecond())),
                Duration.ofNanos(bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill()), Scope.KEY.tag() + " rate",
                key));
    }

    /** Counts task {@code taskId} as in progress for {@code key} (null: none) and {@code agent}; once per task. */
    public synchronized void open(String taskId, String key, String agent) {
        if (open.putIfAbsent(taskId, new Open(key, agent, clock.instant())) == null) {
            if (key != null) {
                openCount.merge(slot(Scope.KEY, key), 1, Integer::sum);
            }
            openCount.merge(slot(Scope.AGENT, agent), 1, Integer::sum);
        }
    }

    /** Task {@code taskId} is no longer in progress (it ended, or was never published); nothing if unknown. */
    public synchronized void close(String taskId) {
        Open o = open.remove(taskId);
        if (o != null) {
            if (o.key() != null) {
                openCount.merge(slot(Scope.KEY, o.key()), -1, Integer::sum);
            }
            openCount.merge(slot(Scope.AGENT, o.agent()), -1, Integer::sum);
        }
    }

    /** A run ended (read from the results of any executor): it is no longer in progress, and today's usage grows. */
    public synchronized void ended(RunResult result, String verifiedKey) {
        close(result.taskId());
        rollDay();
        if (!LocalDate.ofInstant(result.occurredAt(), ZoneOffset.UTC).equals(day)) {
            return;
        }
        add(slot(Scope.AGENT, result.agent()), result);
        if (verifiedKey != null) {
            add(slot(Scope.KEY, verifiedKey), result);
        }
    }

    /** Today's tokens of {@code name}. */
    public synchronized long tokensToday(Scope scope, String name) {
        rollDay();
        Spent s = spent.get(slot(scope, name));
        return s == null ? 0 : s.tokens;
    }

    /** Today's estimated cost in USD of {@code name}. */
    public synchronized double costToday(Scope scope, String name) {
        rollDay();
        Spent s = spent.get(slot(scope, name));
        return s == null ? 0 : s.costUsd;
    }

    /** The tasks of {@code name} admitted and not yet ended. */
    public synchronized int inProgress(Scope scope, String name) {
        return openCount.getOrDefault(slot(scope, name), 0);
    }

    private Optional<Refusal> daily(Scope scope, String name) {
        QuotaConfig.Effective limits = limits(scope, name);
        Spent s = spent.get(slot(scope, name));
        if (s == null) {
            return Optional.empty();
        }
        Instant midnight = day.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        Duration untilMidnight = Duration.between(clock.instant(), midnight);
        if (limits.tokensPerDay() > 0 && s.tokens >= limits.tokensPerDay()) {
            return Optional.of(new Refusal(Refusal.Kind.QUOTA, String.format(Locale.ROOT,
                    "quota exceeded: %s '%s' has used %d tokens today (limit %d tokens per day; resets at %s)",
                    scope.label(), name, s.tokens, limits.tokensPerDay(), midnight), untilMidnight, scope.tag() + " tokens",
                    name));
        }
        if (limits.costUsdPerDay() > 0 && s.costUsd >= limits.costUsdPerDay()) {
            return Optional.of(new Refusal(Refusal.Kind.QUOTA, String.format(Locale.ROOT,
                    "quota exceeded: %s '%s' has spent %.4f USD today (limit %.4f USD per day; resets at %s)",
                    scope.label(), name, s.costUsd, limits.costUsdPerDay(), midnight), untilMidnight, scope.tag() + " cost",
                    name));
        }
        return Optional.empty();
    }

    private void add(String slot, RunResult result) {
        Spent s = spent.computeIfAbsent(slot, k -> new Spent());
        s.tokens += result.usage().totalTokens();
        s.costUsd += result.usage().costUsd();
    }

    private void rollDay() {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (!today.equals(day)) {
            day = today;
            spent.clear();
        }
    }

    /** Frees the slots of tasks whose end was never seen, at most every few seconds. */
    private void expireOpen() {
        Instant now = clock.instant();
        if (Duration.between(lastExpiry, now).compareTo(Duration.ofSeconds(5)) < 0) {
            return;
        }
        lastExpiry = now;
        Instant before = now.minus(config.quota().openRunExpiry());
        open.entrySet().stream().filter(e -> e.getValue().since().isBefore(before)).map(Map.Entry::getKey).toList()
                .forEach(this::close);
    }

    private Bucket bucket(QuotaConfig.Effective limits) {
        int rate = limits.requestsPerSecond();
        int burst = Math.max(limits.burst(), rate);
        return Bucket.builder().addLimit(l -> l.capacity(burst).refillGreedy(rate, Duration.ofSeconds(1)))
                .withCustomTimePrecision(new ClockTimeMeter(clock)).build();
    }

    private static String slot(Scope scope, String name) {
        return scope.name() + ":" + name;
    }
}
