package io.patinox.analyzer.messaging;

import io.patinox.analyzer.service.Contribution;
import io.patinox.analyzer.service.Scope;
import io.patinox.analyzer.service.Tally;
import io.patinox.analyzer.service.WindowKey;
import io.patinox.analyzer.service.Windowing;
import io.patinox.contracts.events.TelemetryAggregate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Folds the contributions of one stream task into running totals and tumbling windows, in event time, for every
 * subject an event touches: its agent (at its config version), the tool a step called, and each validator whose
 * finding a reply carries.
 *
 * <p>
 * Why not the DSL's {@code windowedBy}: it drops events past the grace period silently, and they must be
 * counted. Here a window takes an event while {@code end > streamTime - grace} (Kafka Streams' own rule); a later
 * event is counted as late in its window and in the totals (its figures still go into the totals). Stream time
 * is kept in a store, so a restart keeps judging lateness the same way.
 *
 * <p>
 * State: the tallies touched since the last commit live in memory and are written to the stores once each in
 * the stores' flush hook ({@link FlushHookStore}), which Kafka Streams runs right before every commit. So under
 * exactly-once the state, the offsets and the outputs still commit together, but a tally is serialised once per
 * commit rather than once per event. If a task is closed without a commit (a crash), its memory is dropped with
 * it and the stores are restored from the changelogs.
 *
 * <p>
 * Publishing is coalesced: subjects changed since the last {@code emitInterval} are published once each. After
 * a (re)start every total and open window is published again, so a change committed just before a crash but not
 * yet published is not lost from the topic.
 */
final class TallyProcessor implements Processor<String, Contribution, String, TelemetryAggregate> {

    static final String TOTALS_STORE = "totals";
    static final String WINDOWS_STORE = "windows";
    static final String CLOCK_STORE = "stream-time";
    private static final String CLOCK_KEY = "stream-time";

    private final Windowing windowing;
    private final String[] windowNames;
    private final long[] windowMillis;
    private ProcessorContext<String, TelemetryAggregate> context;
    private KeyValueStore<String, Tally> totals;
    private KeyValueStore<String, Tally> windows;
    private KeyValueStore<String, Long> clock;
    private long streamTime;
    private boolean streamTimeUnsaved;
    /** Subjects changed since the last publication, by store key. */
    private final Set<String> dirtyTotals = new LinkedHashSet<>();
    private final Set<String> dirtyWindows = new LinkedHashSet<>();
    /** Tallies changed since the last flush, by store key; written to the stores by {@link #save()}. */
    private final Map<String, Tally> unsavedTotals = new HashMap<>();
    private final Map<String, Tally> unsavedWindows = new HashMap<>();
    private final Map<String, Tally> hotTotals;
    private final Map<String, Tally> hotWindows;

    TallyProcessor(Windowing windowing) {
        this.windowing = windowing;
        this.windowNames = windowing.windows().stream().map(Duration::toString).toArray(String[]::new);
        this.windowMillis = windowing.windows().stream().mapToLong(Duration::toMillis).toArray();
        this.hotTotals = lru(windowing.hotTallies(), unsavedTotals, () -> totals);
        this.hotWindows = lru(windowing.hotTallies(), unsavedWindows, () -> windows);
    }

    /**
     * Tallies kept deserialised, least recently used dropped first. One that is dropped before it was saved is
     * saved then, so memory stays bounded however many subjects one commit interval touches.
     */
    private static Map<String, Tally> lru(int capacity, Map<String, Tally> unsaved,
            java.util.function.Supplier<KeyValueStore<String, Tally>> store) {
        return new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Tally> eldest) {
                if (size() <= capacity) {
                    return false;
                }
                Tally unsavedTally = unsaved.remove(eldest.getKey());
                if (unsavedTally != null) {
                    store.get().put(eldest.getKey(), unsavedTally);
                }
                return true;
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, TelemetryAggregate> context) {
        this.context = context;
        this.totals = context.getStateStore(TOTALS_STORE);
        this.windows = context.getStateStore(WINDOWS_STORE);
        this.clock = context.getStateStore(CLOCK_STORE);
        // A task that is revived after an error calls init again on the same processor: start from the stores.
        forgetMemory();
        for (String store : List.of(TOTALS_STORE, WINDOWS_STORE, CLOCK_STORE)) {
            FlushHookStore.of(context.getStateStore(store)).beforeFlush(this::save);
        }
        Long saved = clock.get(CLOCK_KEY);
        streamTime = saved == null ? Long.MIN_VALUE : saved;
        context.schedule(windowing.emitInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emit());
        Duration purgeEvery = windowing.retention().compareTo(Duration.ofMinutes(1)) < 0
                ? windowing.retention()
                : Duration.ofMinutes(1);
        context.schedule(purgeEvery.isZero() ? Duration.ofSeconds(1) : purgeEvery,
                PunctuationType.WALL_CLOCK_TIME, now -> purge());
        republishCurrent();
    }

    @Override
    public void close() {
        forgetMemory();
    }

    private void forgetMemory() {
        dirtyTotals.clear();
        dirtyWindows.clear();
        unsavedTotals.clear();
        unsavedWindows.clear();
        hotTotals.clear();
        hotWindows.clear();
        streamTimeUnsaved = false;
    }

    @Override
    public void process(Record<String, Contribution> record) {
        Contribution c = record.value();
        long ts = record.timestamp();
        if (ts > streamTime) {
            streamTime = ts;
            streamTimeUnsaved = true;
        }
        String group = record.key();
        fold(group, Scope.AGENT, c, null, ts);
        if (c.kind() == Contribution.Kind.STEP && c.tool() != null) {
            fold(group, Scope.tool(c.tool()), c, null, ts);
        }
        for (Contribution.Check check : c.checks()) {
            fold(group, Scope.validator(check.validator()), c, check, ts);
        }
    }

    /** Folds a contribution (or one check of it) into the totals and windows of one scope. */
    private void fold(String group, Scope scope, Contribution c, Contribution.Check check, long ts) {
        String scoped = scope.storeKey(group);
        boolean late = false;
        for (int i = 0; i < windowMillis.length; i++) {
            long start = ts - Math.floorMod(ts, windowMillis[i]);
            String key = WindowKey.encode(windowNames[i], start, scoped);
            Tally tally = load(windows, hotWindows, key).identify(c.agent(), c.configVersion(), scope);
            if (windowing.open(start + windowMillis[i], streamTime)) {
                apply(tally, c, check);
            } else {
                tally.addLate();
                late = true;
            }
            unsavedWindows.put(key, tally);
            dirtyWindows.add(key);
        }
        Tally total = load(totals, hotTotals, scoped).identify(c.agent(), c.configVersion(), scope);
        apply(total, c, check);
        if (late) {
            total.markLate();
        }
        unsavedTotals.put(scoped, total);
        dirtyTotals.add(scoped);
    }

    private static void apply(Tally tally, Contribution c, Contribution.Check check) {
        if (check == null) {
            tally.add(c);
        } else {
            tally.addCheck(check, c.eventTimeMillis());
        }
    }

    private Tally load(KeyValueStore<String, Tally> store, Map<String, Tally> hot, String key) {
        Tally tally = hot.get(key);
        if (tally == null) {
            tally = store.get(key);
            if (tally == null) {
                tally = new Tally(windowing.digits());
            }
            hot.put(key, tally);
        }
        return tally;
    }

    /** Writes every tally changed since the last flush, once; runs on the stream thread right before a commit. */
    private void save() {
        unsavedTotals.forEach(totals::put);
        unsavedTotals.clear();
        unsavedWindows.forEach(windows::put);
        unsavedWindows.clear();
        if (streamTimeUnsaved) {
            clock.put(CLOCK_KEY, streamTime);
            streamTimeUnsaved = false;
        }
    }

    /** Publishes each subject changed since the last call, once. */
    private void emit() {
        long now = context.currentSystemTimeMs();
        for (String key : dirtyTotals) {
            Tally tally = load(totals, hotTotals, key);
            publish(tally.toAggregate(TelemetryAggregate.TOTAL, null, null, Instant.ofEpochMilli(now)), now);
        }
        for (String key : dirtyWindows) {
            var window = WindowKey.decode(key);
            Tally tally = load(windows, hotWindows, key);
            publish(tally.toAggregate(window.size().toString(), window.start(), window.end(), Instant.ofEpochMilli(now)),
                    now);
        }
        dirtyTotals.clear();
        dirtyWindows.clear();
    }

    private void publish(TelemetryAggregate aggregate, long now) {
        context.forward(new Record<>(aggregate.subject(), aggregate, now));
    }

    /** Removes windows past their retention and deletes their subjects from the compacted topic. */
    private void purge() {
        if (streamTime == Long.MIN_VALUE) {
            return;
        }
        save();
        long cutoff = streamTime - windowing.grace().toMillis() - windowing.retention().toMillis();
        List<WindowKey> expired = new ArrayList<>();
        try (var all = windows.all()) {
            all.forEachRemaining(kv -> {
                var window = WindowKey.decode(kv.key);
                if (window.endMillis() < cutoff) {
                    expired.add(window);
                }
            });
        }
        long now = context.currentSystemTimeMs();
        for (WindowKey window : expired) {
            String key = window.encode();
            Tally tally = load(windows, hotWindows, key);
            windows.delete(key);
            hotWindows.remove(key);
            dirtyWindows.remove(key);
            if (tally.agent() != null) {
                context.forward(new Record<>(tally.subject(window.size().toString(), window.start()), null, now));
            }
        }
    }

    /** After a (re)start: publish every total and every window still open again. */
    private void republishCurrent() {
        try (var all = totals.all()) {
            all.forEachRemaining(kv -> dirtyTotals.add(kv.key));
        }
        if (streamTime == Long.MIN_VALUE) {
            return;
        }
        try (var all = windows.all()) {
            all.forEachRemaining(kv -> {
                if (windowing.open(WindowKey.decode(kv.key).endMillis(), streamTime)) {
                    dirtyWindows.add(kv.key);
                }
            });
        }
    }
}
