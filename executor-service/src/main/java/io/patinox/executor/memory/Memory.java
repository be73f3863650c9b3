package io.patinox.executor.memory;

import io.patinox.vectors.Column;
import io.patinox.vectors.MiniLmEmbedder;
import io.patinox.vectors.VectorSchema;
import java.util.List;

/**
 * One remembered text as kept in the Lance dataset ({@code patinox.executor.memory.dir}/{@value #DATASET}).
 *
 * @param id a hash of agent and text: the same text twice is kept once
 * @param source where the text came from: {@code knowledge} (the agent's YAML) or the run that was validated before it
 *        was written ({@code run <runId> of task <taskId> (config <commit>)})
 * @param vector the unit vector of {@code text}
 */
record Memory(String id, String agent, String text, String source, float[] vector) {

    /**
     * The dataset's directory name. The earlier {@code memory.lance} had no source and held runs written without
     * validation: it is not read.
     */
    static final String DATASET = "memory-validated.lance";

    /** The dataset's columns. */
    static final VectorSchema<Memory> SCHEMA = new VectorSchema<>(MiniLmEmbedder.DIMENSION,
            List.of(Column.text("id", Memory::id), Column.text("agent", Memory::agent), Column.text("text", Memory::text),
                    Column.text("source", Memory::source)),
            Memory::vector,
            row -> new Memory(row.text("id"), row.text("agent"), row.text("text"), row.text("source"), row.vector()));
}
