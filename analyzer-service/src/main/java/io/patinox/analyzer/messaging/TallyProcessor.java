package io.patinox.analyzer.messaging;

import io.patinox.analyzer.service.Contribution;
import io.patinox.analyzer.service.Subjects;
import io.patinox.analyzer.service.Tally;
import io.patinox.analyzer.service.WindowKey;
import io.patinox.analyzer.service.Windowing;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.contracts.json.Json;
import java.time.Duration;
import java.util.ArrayList;
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
 * Folds the contributions of one stream task into running totals and tumbling windows, in event time.
 *
 * <p>Why not the DSL's {@code windowedBy}: it drops events past the grace period silently, and they must be
 * counted. Here a window takes an event while {@code end > streamTime - grace} (Kafka Streams' own rule); a later
 * event is counted as late in its window and in the totals (its figures still go into the totals). Stream time
 * is kept in a store, so a restart keeps judging lateness the same way.
 *
 * <p>Every change is written to the stores at once, so under exactly-once the state, the offsets and the outputs
 * commit together. Publishing is coalesced: subjects changed since the last {@code emitInterval} are published
 * once each. After a (re)start every total and open window is published again, so a change committed just
 * before a crash but not yet published is not lost from the topic.
 */
final class TallyProcessor implements Processor<String, Contribution, String, byte[]> {

    static final String TOTALS_STORE = "totals";
    static final String WINDOWS_STORE = "windows";
    static final String CLOCK_STORE = "stream-time";
    private static final String CLOCK_KEY = "stream-time";

    private final Windowing windowing;
    private ProcessorContext<String, byte[]> context;
    private KeyValueStore<String, Tally> totals;
    private KeyValueStore<String, Tally> windows;
    private KeyValueStore<String, Long> clock;
    private long streamTime = Long.MIN_VALUE;
    private final Set<String> dirtyTotals = new LinkedHashSet<>();
    private final Set<String> dirtyWindows = new LinkedHashSet<>();
    private final Map<String, Tally> hot;

    TallyProcessor(Windowing windowing) {
        this.windowing = windowing;
        int capacity = windowing.hotTallies();
        this.hot = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Tally> eldest) {
                return size() > capacity;
            }
        };
    }

    @Override
    public void init(ProcessorContext<String, byte[]> context) {
        this.context = context;
        this.totals = context.getStateStore(TOTALS_STORE);
        this.windows = context.getStateStore(WINDOWS_STORE);
        this.clock = context.getStateStore(CLOCK_STORE);
        Long saved = clock.get(CLOCK_KEY);
        streamTime = saved == null ? Long.MIN_VALUE : saved;
        context.schedule(windowing.emitInterval(), PunctuationType.WALL_CLOCK_TIME, now -> emit());
        Duration purgeEvery = windowing.retention().compareTo(Duration.ofMinutes(1)) < 0
                ? windowing.retention() : Duration.ofMinutes(1);
        context.schedule(purgeEvery.isZero() ? Duration.ofSeconds(1) : purgeEvery,
                PunctuationType.WALL_CLOCK_TIME, now -> purge());
        republishCurrent();
    }

    @Override
    public void process(Record<String, Contribution> record) {
        Contribution c = record.value();
        long ts = record.timestamp();
        if (ts > streamTime) {
            streamTime = ts;
            clock.put(CLOCK_KEY, ts);
        }
        boolean late = false;
        for (Duration size : windowing.windows()) {
            var window = new WindowKey(size, Windowing.windowStart(ts, size), record.key());
            String key = window.encode();
            Tally tally = load(windows, key);
            if (windowing.open(window.endMillis(), streamTime)) {
                tally.add(c);
            } else {
                tally.addLate(c);
                late = true;
            }
            save(windows, key, tally);
            dirtyWindows.add(key);
        }
        Tally total = load(totals, record.key());
        total.add(c);
        if (late) {
            total.markLate();
        }
        save(totals, record.key(), total);
        dirtyTotals.add(record.key());
    }

    private Tally load(KeyValueStore<String, Tally> store, String key) {
        String hotKey = store.name() + "/" + key;
        Tally tally = hot.get(hotKey);
        if (tally == null) {
            tally = store.get(key);
            if (tally == null) {
                tally = new Tally(windowing.digits());
            }
            hot.put(hotKey, tally);
        }
        return tally;
    }

    private void save(KeyValueStore<String, Tally> store, String key, Tally tally) {
        store.put(key, tally);
    }

    /** Publishes each subject changed since the last call, once. */
    private void emit() {
        long now = context.currentSystemTimeMs();
        for (String key : dirtyTotals) {
            Tally tally = load(totals, key);
            publish(tally.toAggregate(TelemetryAggregate.TOTAL, null, null), now);
        }
        for (String key : dirtyWindows) {
            var window = WindowKey.decode(key);
            Tally tally = load(windows, key);
            publish(tally.toAggregate(window.size().toString(), window.start(), window.end()), now);
        }
        dirtyTotals.clear();
        dirtyWindows.clear();
    }

    private void publish(TelemetryAggregate aggregate, long now) {
        context.forward(new Record<>(aggregate.subject(), Json.encode(aggregate), now));
    }

    /** Removes windows past their retention and deletes their subjects from the compacted topic. */
    private void purge() {
        if (streamTime == Long.MIN_VALUE) {
            return;
        }
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
            Tally tally = load(windows, key);
            windows.delete(key);
            hot.remove(WINDOWS_STORE + "/" + key);
            dirtyWindows.remove(key);
            if (tally.agent() != null) {
                String subject = Subjects.subject(tally.agent(), tally.configVersion(), window.size().toString(),
                        window.start());
                context.forward(new Record<>(subject, null, now));
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
