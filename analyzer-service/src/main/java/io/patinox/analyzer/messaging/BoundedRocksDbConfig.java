package io.patinox.analyzer.messaging;

import java.util.Map;
import org.apache.kafka.streams.state.RocksDBConfigSetter;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Cache;
import org.rocksdb.LRUCache;
import org.rocksdb.Options;
import org.rocksdb.WriteBufferManager;

/**
 * One memory budget for every RocksDB store of the topology (docs/adr/0020-memory-budgets.md). Kafka Streams opens a
 * RocksDB instance per store, per task and, for the window stores that remember seen events, per segment: about 40 at
 * four partitions. With its defaults each has a 50 MB block cache of its own, three 16 MB memtables whose arenas grow
 * in 2 MB blocks, and its index and filter blocks on the C heap, uncounted. Here all of them share one LRU cache of
 * {@code patinox.rocksdb.memory.bytes} (a Kafka Streams property, so {@code kafka-streams.patinox.rocksdb.memory.bytes}
 * in application.properties; default {@value #DEFAULT_MEMORY_BYTES}) that also holds the index and filter blocks and
 * is charged for the memtables (at most half of it, through a write buffer manager, which flushes the largest
 * memtable when they reach it). The stores hold tallies and recent event ids: a few MB, read mostly from the
 * analyzer's own memory, so a small cache costs no throughput.
 *
 * <p>
 * Registered through {@code kafka-streams.rocksdb.config.setter}; Kafka Streams creates one instance per store, so the
 * cache and the write buffer manager are shared statics, created on the first store's configuration and never closed
 * (they live as long as the process).
 */
public final class BoundedRocksDbConfig implements RocksDBConfigSetter {

    /** The Kafka Streams property that sets the budget in bytes. */
    public static final String MEMORY_BYTES = "patinox.rocksdb.memory.bytes";

    /** 16 MiB. */
    public static final long DEFAULT_MEMORY_BYTES = 16L * 1024 * 1024;

    /** Each memtable; its arena grows in blocks of an eighth of it. */
    static final long MEMTABLE_BYTES = 1024 * 1024;

    private static Cache cache;
    private static WriteBufferManager writeBuffers;

    @Override
    public void setConfig(String storeName, Options options, Map<String, Object> configs) {
        long budget = budget(configs);
        BlockBasedTableConfig table = (BlockBasedTableConfig) options.tableFormatConfig();
        synchronized (BoundedRocksDbConfig.class) {
            if (cache == null) {
                // Index and filter blocks get the high-priority share (a tenth), so data blocks cannot push them out.
                cache = new LRUCache(budget, -1, false, 0.1);
                writeBuffers = new WriteBufferManager(budget / 2, cache);
            }
            table.setBlockCache(cache);
            options.setWriteBufferManager(writeBuffers);
        }
        table.setCacheIndexAndFilterBlocks(true);
        table.setCacheIndexAndFilterBlocksWithHighPriority(true);
        table.setPinTopLevelIndexAndFilter(true);
        options.setWriteBufferSize(MEMTABLE_BYTES);
        options.setMaxWriteBufferNumber(2);
        options.setTableFormatConfig(table);
    }

    /** The budget from the Kafka Streams properties, else the default. */
    static long budget(Map<String, Object> configs) {
        Object value = configs.get(MEMORY_BYTES);
        if (value == null || value.toString().isBlank()) {
            return DEFAULT_MEMORY_BYTES;
        }
        long bytes = Long.parseLong(value.toString().trim());
        if (bytes < 1024 * 1024) {
            throw new IllegalArgumentException(MEMORY_BYTES + " must be at least 1 MiB, was " + bytes);
        }
        return bytes;
    }

    @Override
    public void close(String storeName, Options options) {
        // The cache and the write buffer manager are every store's: they stay open.
    }
}
