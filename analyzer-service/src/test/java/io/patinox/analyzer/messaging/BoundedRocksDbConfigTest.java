package io.patinox.analyzer.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;

class BoundedRocksDbConfigTest {

    @Test
    void theBudgetIsTheStreamsPropertyOrSixteenMegabytes() {
        assertThat(BoundedRocksDbConfig.budget(Map.of())).isEqualTo(16L * 1024 * 1024);
        assertThat(BoundedRocksDbConfig.budget(Map.of(BoundedRocksDbConfig.MEMORY_BYTES, "33554432")))
                .isEqualTo(32L * 1024 * 1024);
        assertThatThrownBy(() -> BoundedRocksDbConfig.budget(Map.of(BoundedRocksDbConfig.MEMORY_BYTES, "1000")))
                .hasMessageContaining("at least 1 MiB");
    }

    @Test
    void everyStoreGetsSmallMemtablesAndCachedIndexBlocks() {
        RocksDB.loadLibrary();
        try (Options options = new Options().setTableFormatConfig(new BlockBasedTableConfig())) {
            new BoundedRocksDbConfig().setConfig("totals", options, Map.of());
            assertThat(options.writeBufferSize()).isEqualTo(BoundedRocksDbConfig.MEMTABLE_BYTES);
            assertThat(options.maxWriteBufferNumber()).isEqualTo(2);
            var table = (BlockBasedTableConfig) options.tableFormatConfig();
            assertThat(table.cacheIndexAndFilterBlocks()).isTrue();
            assertThat(table.cacheIndexAndFilterBlocksWithHighPriority()).isTrue();
        }
    }
}
