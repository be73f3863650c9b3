package io.patinox.executor.memory;

import io.patinox.vectors.Column;
import io.patinox.vectors.MiniLmEmbedder;
import io.patinox.vectors.VectorSchema;
import java.util.List;

/**
 * One remembered text as kept in the Lance dataset ({@code patinox.executor.memory.dir}/memory.lance).
 *
 * @param id     a hash of agent and text: the same text twice is kept once
 * @param vector the unit vector of {@code text}
 */
record Memory(String id, String agent, String text, float[] vector) {

    /** The dataset's columns (names as written by earlier versions, so existing datasets stay readable). */
    static final VectorSchema<Memory> SCHEMA = new VectorSchema<>(MiniLmEmbedder.DIMENSION,
            List.of(Column.text("id", Memory::id), Column.text("agent", Memory::agent), Column.text("text", Memory::text)),
            Memory::vector,
            row -> new Memory(row.text("id"), row.text("agent"), row.text("text"), row.vector()));
}
