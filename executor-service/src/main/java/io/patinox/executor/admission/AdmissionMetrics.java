package io.patinox.executor.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The door's and the quotas' metrics at {@code /q/metrics}: {@code patinox_executor_tasks_refused_total{reason,path}}
 * (reason {@code malformed|invalid|unknown_target|too_large|quota}, path {@code rest|kafka}),
 * {@code patinox_executor_quota_refusals_total{scope,quota,path}} (scope {@code key|agent}, quota
 * {@code rate|concurrency|tokens|cost}), and per key id and agent (labels {@code scope}, {@code name})
 * {@code patinox_executor_quota_refused_total{scope,name,quota}} (whose quota refused how many tasks),
 * {@code _quota_tokens_today}, {@code _quota_cost_usd_today} and {@code _quota_runs_in_progress}. Every counter exists
 * from the start at zero (per key and agent: those configured at start, others from their first task), so dashboards
 * and alerts always find their series. Key ids, never keys; the names are bounded by the configured keys and agents.
 */
@ApplicationScoped
public class AdmissionMetrics {

    static final String[] PATHS = { "rest", "kafka" };
    static final String[] QUOTAS = { "rate", "concurrency", "tokens", "cost" };

    @Inject
    MeterRegistry registry;

    @Inject
    QuotaLedger ledger;

    private final Set<String> watched = ConcurrentHashMap.newKeySet();

    /** Registers every counter at zero and the gauges of the names known at start. */
    void registerAll(Iterable<String> keys, Iterable<String> agents) {
        for (String path : PATHS) {
            for (Refusal.Kind kind : Refusal.Kind.values()) {
                refused(kind, path);
            }
            for (Scope scope : Scope.values()) {
                for (String quota : QUOTAS) {
                    quota(scope.tag(), quota, path);
                }
            }
        }
        keys.forEach(k -> watch(Scope.KEY, k));
        agents.forEach(a -> watch(Scope.AGENT, a));
    }

    /** Counts a refusal on {@code path}. */
    void count(Refusal refusal, String path) {
        refused(refusal.kind(), path).increment();
        if (refusal.quota() != null) {
            String[] q = refusal.quota().split(" ");
            quota(q[0], q[1], path).increment();
            watch(Scope.valueOf(q[0].toUpperCase(Locale.ROOT)), refusal.subject());
            refusedFor(q[0], refusal.subject(), q[1]).increment();
        }
    }

    /** Shows the usage of {@code name} from now on. */
    void watch(Scope scope, String name) {
        if (name == null || !watched.add(scope + ":" + name)) {
            return;
        }
        for (String quota : QUOTAS) {
            refusedFor(scope.tag(), name, quota);
        }
        Gauge.builder("patinox.executor.quota.tokens.today", () -> ledger.tokensToday(scope, name))
                .description("Model tokens used today (UTC) by the key or agent").tag("scope", scope.tag()).tag("name", name)
                .register(registry);
        Gauge.builder("patinox.executor.quota.cost.usd.today", () -> ledger.costToday(scope, name))
                .description("Estimated model cost in USD today (UTC) of the key or agent").tag("scope", scope.tag())
                .tag("name", name).register(registry);
        Gauge.builder("patinox.executor.quota.runs.in.progress", () -> ledger.inProgress(scope, name))
                .description("Tasks admitted and not yet ended").tag("scope", scope.tag()).tag("name", name)
                .register(registry);
    }

    private Counter refused(Refusal.Kind kind, String path) {
        return Counter.builder("patinox.executor.tasks.refused").description("Tasks refused before a run, by reason")
                .tag("reason", kind.name().toLowerCase(Locale.ROOT)).tag("path", path).register(registry);
    }

    private Counter refusedFor(String scope, String name, String quota) {
        return Counter.builder("patinox.executor.quota.refused").description("Tasks refused over a quota of this key or agent")
                .tag("scope", scope).tag("name", name).tag("quota", quota).register(registry);
    }

    private Counter quota(String scope, String quota, String path) {
        return Counter.builder("patinox.executor.quota.refusals").description("Tasks refused over a quota")
                .tag("scope", scope).tag("quota", quota).tag("path", path).register(registry);
    }
}
