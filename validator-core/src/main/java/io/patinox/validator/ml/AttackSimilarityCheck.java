package io.patinox.validator.ml;

import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.validation.Judgement;
import io.patinox.contracts.validation.Validator;
import io.patinox.detection.text.TextNormalizer;
import io.patinox.validator.builtin.Inspect;
import io.patinox.validator.builtin.NamedValidator;
import io.patinox.validator.builtin.Params;
import io.patinox.validator.builtin.TypedFactory;
import io.patinox.vectors.CachedEmbedder;
import io.patinox.vectors.Column;
import io.patinox.vectors.Embedder;
import io.patinox.vectors.Match;
import io.patinox.vectors.MemoryIndex;
import io.patinox.vectors.MiniLmEmbedder;
import io.patinox.vectors.VectorSchema;
import io.patinox.vectors.VectorStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Prompt injection and jailbreak attempts by meaning: the text is embedded in-process (all-MiniLM-L6-v2,
 * 384 dimensions) and compared with the known attacks, whose vectors sit in a Lance dataset; at or above
 * the threshold's cosine similarity it blocks. Catches rephrasings a bag-of-words model has not seen.
 * Parameters:
 *
 * <pre>{@code
 * attacks: [corpus/injection/attacks-project.txt]   # relative to the config dir; every 5th line is left out
 * threshold: 0.8                                    # cosine similarity
 * inspect: [input, toolOutputs]
 * maxChars: 2000                                    # longer texts: head and tail embedded separately
 * }</pre>
 *
 * Embeddings are cached by the text's SHA-256 ({@link CachedEmbedder}, 4096 entries): a run's newest tool
 * output is read again at every later step. A text longer than {@code maxChars} is judged by its head and its
 * tail (embedding a megabyte would take seconds; the injection classifier reads the whole text).
 * The model and the dataset are loaded on the check's first call, not when its policy is read. The dataset is built
 * from the attack files on first use, under the store directory, in a folder named
 * after the files' content hash, so a changed corpus gets a new dataset. It is the store of record; the check
 * searches a copy of its rows in memory ({@link MemoryIndex}: exact, no lock).
 */
public final class AttackSimilarityCheck extends NamedValidator {

    /** The type name policies use. */
    public static final String TYPE = "attack-similarity";

    /** A known attack as kept in the dataset (columns {@code text}, {@code vec}). */
    record Attack(String text, float[] vector) {
        static final VectorSchema<Attack> SCHEMA = new VectorSchema<>(MiniLmEmbedder.DIMENSION,
                List.of(Column.text("text", Attack::text)), Attack::vector, row -> new Attack(row.text("text"), row.vector()));
    }

    /** What the check searches with: the model and the attacks' vectors, loaded on its first call. */
    private record Loaded(Embedder embeddings, MemoryIndex<Attack> attacks) {
    }

    private final Supplier<Loaded> load;
    private final double threshold;
    private final Inspect inspect;
    private final int maxChars;
    private volatile Loaded loaded;

    AttackSimilarityCheck(String name, Supplier<Loaded> load, double threshold, Inspect inspect, int maxChars) {
        super(name, 2_000);
        this.load = load;
        this.threshold = threshold;
        this.inspect = inspect;
        this.maxChars = maxChars;
    }

    /** Whether the model and the attacks are in memory (they are from the first {@link #validate}). */
    public boolean isLoaded() {
        return loaded != null;
    }

    private Loaded loaded() {
        Loaded l = loaded;
        if (l == null) {
            synchronized (this) {
                if (loaded == null) {
                    loaded = load.get(); // a load that fails throws, and is tried again on the next call
                }
                l = loaded;
            }
        }
        return l;
    }

    @Override
    public Judgement validate(ValidationRequest request) {
        Loaded l = loaded();
        Embedder embeddings = l.embeddings();
        MemoryIndex<Attack> attacks = l.attacks();
        double best = 0;
        String bestWhere = "nothing";
        for (Inspect.Text read : inspect.texts(request)) {
            String text = TextNormalizer.normalize(read.text());
            List<String> parts = text.length() <= maxChars ? List.of(text)
                    : List.of(text.substring(0, maxChars / 2), text.substring(text.length() - maxChars / 2));
            for (String part : parts) {
                Optional<Match<Attack>> match = attacks.nearest(embeddings.embed(part));
                if (match.isPresent() && match.get().similarity() > best) {
                    best = match.get().similarity();
                    bestWhere = read.where();
                }
            }
        }
        double score = Math.max(0, Math.min(1, best));
        String similarity = String.format(Locale.ROOT, "%.3f", best);
        return best >= threshold
                ? Judgement.block(score, bestWhere + " is similar to a known attack (cosine " + similarity + " >= "
                        + threshold + ")")
                : Judgement.allow(score, "no known attack is similar (max cosine " + similarity + ")");
    }

    /** Creates {@link AttackSimilarityCheck}s; one embedding model serves them all. */
    public static final class Factory extends TypedFactory {
        private final Path configDir;
        private final Path storeDir;

        /**
         * @param configDir where attack files are read
         * @param storeDir where the Lance datasets are kept
         */
        public Factory(Path configDir, Path storeDir) {
            super(TYPE);
            this.configDir = configDir;
            this.storeDir = storeDir;
        }

        @Override
        public Validator create(String name, Map<String, Object> raw) {
            Params params = Params.of(raw).allowOnly("attacks", "threshold", "inspect", "maxChars");
            List<String> files = params.strings("attacks");
            if (files.isEmpty()) {
                throw params.error("attacks", "at least one attack file is required");
            }
            List<String> attacks = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                Path file = configDir.resolve(files.get(i));
                if (!Files.isRegularFile(file)) {
                    throw params.error("attacks[" + i + "]", "no file at " + file);
                }
                attacks.addAll(trainingLines(file));
            }
            double threshold = params.threshold(0.8);
            Inspect inspect = Inspect.of(params);
            int maxChars = params.maxChars(2000);
            // The model (~130 MB native) and the dataset are loaded on the first call, so a policy that no agent
            // names costs no memory (docs/adr/0020-memory-budgets.md); the validator service calls the policies in
            // use once before they go live, so their first real request does not pay for the load.
            return new AttackSimilarityCheck(name, () -> new Loaded(Embeddings.cache(),
                    index(dataset(storeDir, attacks))), threshold, inspect, maxChars);
        }

        /** The dataset of {@code attacks} under {@code storeDir}, written first if it does not exist yet. */
        static Path dataset(Path storeDir, List<String> attacks) {
            Path dataset = storeDir.resolve("attacks-" + hash(attacks) + ".lance");
            try (var store = new VectorStore<>(dataset, Attack.SCHEMA)) {
                if (!store.exists()) {
                    List<float[]> vectors = MiniLmEmbedder.shared().embedAll(attacks);
                    List<Attack> rows = new ArrayList<>(attacks.size());
                    for (int i = 0; i < attacks.size(); i++) {
                        rows.add(new Attack(attacks.get(i), vectors.get(i)));
                    }
                    store.append(rows);
                }
            }
            return dataset;
        }

        /** The attacks of a dataset, in memory. */
        static MemoryIndex<Attack> index(Path dataset) {
            try (var store = new VectorStore<>(dataset, Attack.SCHEMA)) {
                return MemoryIndex.of(MiniLmEmbedder.DIMENSION, store.all(), Attack::vector);
            }
        }

        /** The lines the classifier trains on too: every 5th is held out for evaluation. */
        private static List<String> trainingLines(Path file) {
            try {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                        .map(String::strip).filter(l -> !l.isEmpty()).toList();
                List<String> kept = new ArrayList<>();
                for (int i = 0; i < lines.size(); i++) {
                    if ((i + 1) % 5 != 0) {
                        kept.add(lines.get(i));
                    }
                }
                return kept;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String hash(List<String> texts) {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                texts.forEach(t -> sha.update((t + "\n").getBytes(StandardCharsets.UTF_8)));
                return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /** The embedding cache every check shares, in front of the one in-process model. */
    static final class Embeddings {
        private static volatile CachedEmbedder cache;

        private Embeddings() {
        }

        /**
         * The cache every check shares, so a reload keeps what it learnt: {@code patinox.validator.embedding-cache}
         * entries (system property, default 4096; 0 turns it off, as the evaluation command does to measure
         * the cost of every embedding).
         */
        static Embedder cache() {
            if (cache == null) {
                synchronized (Embeddings.class) {
                    if (cache == null) {
                        cache = new CachedEmbedder(MiniLmEmbedder.shared(),
                                Integer.getInteger("patinox.validator.embedding-cache", 4096));
                    }
                }
            }
            return cache;
        }
    }
}
