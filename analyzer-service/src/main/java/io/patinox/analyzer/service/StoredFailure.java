package io.patinox.analyzer.service;

import io.patinox.vectors.Column;
import io.patinox.vectors.MiniLmEmbedder;
import io.patinox.vectors.VectorSchema;
import java.util.List;

/**
 * One failure as kept in the Lance dataset ({@code patinox.analyzer.clusters.dataset}): appended as failures arrive,
 * scanned in order to rebuild the clusters after a restart, searched for similar failures.
 *
 * @param occurredAtMillis the step's event time
 * @param vector the unit vector of {@code text}
 */
public record StoredFailure(String id, String agent, String version, String kind, String text, long occurredAtMillis,
        float[] vector) {

    /** The dataset's columns (names as written by earlier versions, so existing datasets stay readable). */
    static final VectorSchema<StoredFailure> SCHEMA = new VectorSchema<>(MiniLmEmbedder.DIMENSION,
            List.of(Column.text("id", StoredFailure::id), Column.text("agent", StoredFailure::agent),
                    Column.text("version", StoredFailure::version), Column.text("kind", StoredFailure::kind),
                    Column.text("text", StoredFailure::text), Column.int64("occurred_at", StoredFailure::occurredAtMillis)),
            StoredFailure::vector,
            row -> new StoredFailure(row.text("id"), row.text("agent"), row.text("version"), row.text("kind"),
                    row.text("text"), row.int64("occurred_at"), row.vector()));
}
