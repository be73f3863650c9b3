package io.patinox.vectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorStoreTest {

    record Note(String id, String owner, long at, float[] vector) {
        static final VectorSchema<Note> SCHEMA = new VectorSchema<>(3,
                List.of(Column.text("id", Note::id), Column.text("owner", Note::owner), Column.int64("at", Note::at)),
                Note::vector,
                row -> new Note(row.text("id"), row.text("owner"), row.int64("at"), row.vector()));
    }

    private static Note note(String id, String owner, float... vector) {
        return new Note(id, owner, id.hashCode(), vector);
    }

    @TempDir
    Path dir;

    private VectorStore<Note> store() {
        return new VectorStore<>(dir.resolve("sub/notes.lance"), Note.SCHEMA);
    }

    @Test
    void findsNothingBeforeTheFirstAppend() {
        try (var store = store()) {
            assertThat(store.exists()).isFalse();
            assertThat(store.all()).isEmpty();
            assertThat(store.nearest(new float[] { 1, 0, 0 }, 3)).isEmpty();
            store.append(List.of());
            assertThat(store.exists()).isFalse();
        }
    }

    @Test
    void keepsEveryColumnInTheOrderWrittenAcrossAppendsAndStores() {
        try (var store = store()) {
            store.append(List.of(note("a", "ann", 1, 0, 0), note("b", "bob", 0, 1, 0)));
            store.append(List.of(note("c", "o'brien", 0, 0, 1)));
        }
        try (var again = store()) {
            List<Note> all = again.all();
            assertThat(all).extracting(Note::id).containsExactly("a", "b", "c");
            assertThat(all).extracting(Note::owner).containsExactly("ann", "bob", "o'brien");
            assertThat(all).extracting(Note::at).containsExactly((long) "a".hashCode(), (long) "b".hashCode(),
                    (long) "c".hashCode());
            assertThat(all.get(1).vector()).containsExactly(0, 1, 0);
        }
    }

    @Test
    void findsTheNearestByCosineNearestFirst() {
        try (var store = store()) {
            store.append(List.of(note("x", "ann", 1, 0, 0), note("xy", "ann", 1, 1, 0), note("z", "bob", 0, 0, 5)));
            var found = store.nearest(new float[] { 2, 0.2f, 0 }, 2);
            assertThat(found).extracting(m -> m.row().id()).containsExactly("x", "xy");
            assertThat(found.get(0).similarity()).isCloseTo(2 / Math.sqrt(4.04), within(1e-5));
            assertThat(found.get(1).similarity()).isCloseTo(2.2 / Math.sqrt(4.04 * 2), within(1e-5));
        }
    }

    @Test
    void aFilterChoosesAmongTheRowsThatSatisfyIt() {
        try (var store = store()) {
            store.append(List.of(note("x", "ann", 1, 0, 0), note("y", "bob", 0, 1, 0), note("z", "o'brien", 0, 0, 1),
                    note("w", "o'brien", 0, 1, 1)));
            assertThat(store.nearest(new float[] { 0, 1, 0.1f }, 2, Where.equal("owner", "o'brien")))
                    .extracting(m -> m.row().id()).containsExactly("w", "z");
            assertThat(store.nearest(new float[] { 1, 0, 0 }, 5, Where.equal("owner", "nobody"))).isEmpty();
        }
    }

    @Test
    void refusesVectorsOfAnotherDimensionAndFiltersOnOtherColumns() {
        try (var store = store()) {
            assertThatThrownBy(() -> store.append(List.of(note("a", "ann", 1, 0))))
                    .hasMessage("vector of 2 dimensions, expected 3");
            assertThatThrownBy(() -> store.nearest(new float[] { 1 }, 1)).hasMessage("vector of 1 dimensions, expected 3");
            assertThatThrownBy(() -> store.nearest(new float[] { 1, 0, 0 }, 1, Where.equal("at", "1")))
                    .hasMessage("column 'at' is not a text column");
            assertThatThrownBy(() -> store.nearest(new float[] { 1, 0, 0 }, 1, Where.equal("nope", "1")))
                    .hasMessage("no column 'nope'");
        }
    }

    @Test
    void aSchemaNamesEachColumnOnceAndLeavesTheStoresNamesAlone() {
        assertThatThrownBy(() -> new VectorSchema<Note>(3, List.of(Column.text("id", Note::id),
                Column.text("id", Note::owner)), Note::vector, row -> null))
                .hasMessage("column 'id' is declared twice");
        assertThatThrownBy(() -> Column.<Note> text("vec", Note::id)).hasMessageContaining("must match");
        assertThatThrownBy(() -> Column.<Note> text("Owner", Note::id)).hasMessageContaining("must match");
    }
}
