package io.patinox.analyzer.messaging;

import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.internals.WrappedStateStore;

/**
 * A key-value store that runs a hook before it is flushed. Kafka Streams flushes every state store of a task just
 * before it commits (and so, under exactly-once, before the transaction with the consumed offsets commits). The
 * fold keeps its changed tallies in memory and writes each of them once in this hook, instead of serialising a
 * tally on every event: the state written to the changelog is the same, in the same transaction, at a fraction of
 * the cost. Every store of the fold is wrapped with the same hook, so whichever the task flushes first writes all
 * of them; later calls find nothing pending.
 *
 * <p>
 * Reads from other threads (interactive queries) see the state as of the last flush.
 */
final class FlushHookStore<K, V> extends WrappedStateStore<KeyValueStore<K, V>, K, V> implements KeyValueStore<K, V> {

    /** Registered by the processor that owns the pending writes; runs on the stream thread. */
    private volatile Runnable hook = () -> {
    };

    private FlushHookStore(KeyValueStore<K, V> inner) {
        super(inner);
    }

    /** Sets what runs before every flush. */
    void beforeFlush(Runnable hook) {
        this.hook = hook;
    }

    /** The hooked store behind a processor's handle on it (Kafka Streams hands processors a decorator). */
    @SuppressWarnings("unchecked")
    static <K, V> FlushHookStore<K, V> of(StateStore store) {
        StateStore s = store;
        while (!(s instanceof FlushHookStore<?, ?>)) {
            if (!(s instanceof WrappedStateStore<?, ?, ?> wrapped)) {
                throw new IllegalStateException("store " + store.name() + " is not hooked");
            }
            s = wrapped.wrapped();
        }
        return (FlushHookStore<K, V>) s;
    }

    @Override
    public void flush() {
        hook.run();
        super.flush();
    }

    @Override
    public void flushCache() {
        hook.run();
        super.flushCache();
    }

    @Override
    public void put(K key, V value) {
        wrapped().put(key, value);
    }

    @Override
    public V putIfAbsent(K key, V value) {
        return wrapped().putIfAbsent(key, value);
    }

    @Override
    public void putAll(List<KeyValue<K, V>> entries) {
        wrapped().putAll(entries);
    }

    @Override
    public V delete(K key) {
        return wrapped().delete(key);
    }

    @Override
    public V get(K key) {
        return wrapped().get(key);
    }

    @Override
    public KeyValueIterator<K, V> range(K from, K to) {
        return wrapped().range(from, to);
    }

    @Override
    public KeyValueIterator<K, V> reverseRange(K from, K to) {
        return wrapped().reverseRange(from, to);
    }

    @Override
    public KeyValueIterator<K, V> all() {
        return wrapped().all();
    }

    @Override
    public KeyValueIterator<K, V> reverseAll() {
        return wrapped().reverseAll();
    }

    @Override
    public <S extends org.apache.kafka.common.serialization.Serializer<P>, P> KeyValueIterator<K, V> prefixScan(
            P prefix, S prefixKeySerializer) {
        return wrapped().prefixScan(prefix, prefixKeySerializer);
    }

    @Override
    public long approximateNumEntries() {
        return wrapped().approximateNumEntries();
    }

    /** Wraps what another builder builds. */
    static <K, V> StoreBuilder<KeyValueStore<K, V>> builder(StoreBuilder<KeyValueStore<K, V>> inner) {
        return new StoreBuilder<>() {
            @Override
            public StoreBuilder<KeyValueStore<K, V>> withCachingEnabled() {
                inner.withCachingEnabled();
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withCachingDisabled() {
                inner.withCachingDisabled();
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withLoggingEnabled(Map<String, String> config) {
                inner.withLoggingEnabled(config);
                return this;
            }

            @Override
            public StoreBuilder<KeyValueStore<K, V>> withLoggingDisabled() {
                inner.withLoggingDisabled();
                return this;
            }

            @Override
            public KeyValueStore<K, V> build() {
                return new FlushHookStore<>(inner.build());
            }

            @Override
            public Map<String, String> logConfig() {
                return inner.logConfig();
            }

            @Override
            public boolean loggingEnabled() {
                return inner.loggingEnabled();
            }

            @Override
            public String name() {
                return inner.name();
            }
        };
    }
}
