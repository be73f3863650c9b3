package io.patinox.detection.corpus;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reading and writing the corpus files: {@code source.yaml}, data files, split JSONL, evaluation JSONL. */
public final class CorpusFiles {

    /** JSON with keys in declaration order and no surprises. */
    public static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, false)
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private CorpusFiles() {
    }

    /** A source's {@code source.yaml}. */
    static SourceSpec readSource(Path sourceYaml) throws IOException {
        try {
            SourceSpec spec = YAML.readValue(sourceYaml.toFile(), SourceSpec.class);
            spec.check();
            return spec;
        } catch (IOException | RuntimeException e) {
            throw new IOException(sourceYaml + ": " + e.getMessage(), e);
        }
    }

    /** The build configuration. */
    static BuildConfig readConfig(Path buildYaml) throws IOException {
        return YAML.readValue(buildYaml.toFile(), BuildConfig.class);
    }

    /** The rows of one data file, as field maps (a {@code lines} file gives {@code text} only). */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> readRows(Path dir, SourceSpec.DataFile file) throws IOException {
        Path path = dir.resolve(file.path()).normalize();
        String field = file.field() == null ? "text" : file.field();
        if ("csv".equals(file.format())) {
            return readCsv(path, field);
        }
        List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        List<Map<String, Object>> rows = new ArrayList<>();
        boolean jsonl = file.format() == null || file.format().equals("jsonl");
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            Map<String, Object> row;
            if (jsonl) {
                try {
                    row = JSON.readValue(line, LinkedHashMap.class);
                } catch (IOException e) {
                    throw new IOException(path + ":" + (i + 1) + ": " + e.getMessage(), e);
                }
                Object text = row.get(field);
                if (!(text instanceof String)) {
                    throw new IOException(path + ":" + (i + 1) + ": no string field '" + field + "'");
                }
                row.put("text", text);
            } else {
                row = new LinkedHashMap<>();
                row.put("text", line.strip());
                row.put("ref", path.getFileName() + "#L" + (i + 1));
            }
            rows.add(row);
        }
        return rows;
    }

    /**
     * A CSV file with a header row (RFC 4180: fields in double quotes may hold commas, line breaks and doubled
     * quotes); each record becomes a map from column name to value, the text column copied to {@code text}.
     */
    static List<Map<String, Object>> readCsv(Path path, String field) throws IOException {
        String all = Files.readString(path, StandardCharsets.UTF_8);
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder value = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < all.length(); i++) {
            char c = all.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < all.length() && all.charAt(i + 1) == '"') {
                    value.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    value.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                record.add(value.toString());
                value.setLength(0);
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < all.length() && all.charAt(i + 1) == '\n') {
                    i++;
                }
                record.add(value.toString());
                value.setLength(0);
                if (!(record.size() == 1 && record.get(0).isEmpty())) {
                    records.add(record);
                }
                record = new ArrayList<>();
            } else {
                value.append(c);
            }
        }
        if (value.length() > 0 || !record.isEmpty()) {
            record.add(value.toString());
            records.add(record);
        }
        if (records.isEmpty()) {
            return List.of();
        }
        List<String> header = records.get(0);
        int textColumn = header.indexOf(field);
        if (textColumn < 0) {
            throw new IOException(path + ": no column '" + field + "' in " + header);
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int r = 1; r < records.size(); r++) {
            List<String> rec = records.get(r);
            if (rec.size() != header.size()) {
                throw new IOException(path + ": record " + r + " has " + rec.size() + " fields, the header " + header.size());
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), rec.get(c));
            }
            row.put("text", rec.get(textColumn));
            row.putIfAbsent("ref", path.getFileName() + "#" + r);
            rows.add(row);
        }
        return rows;
    }

    /** Reads a split file. */
    public static List<CorpusRow> readSplit(Path file) throws IOException {
        List<CorpusRow> rows = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                rows.add(JSON.readValue(line, CorpusRow.class));
            }
        }
        return rows;
    }

    /** Writes a split file, one row per line. */
    public static void writeSplit(Path file, List<CorpusRow> rows) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (CorpusRow r : rows) {
                w.write(JSON.writeValueAsString(r));
                w.write('\n');
            }
        }
    }

    /**
     * Writes rows as evaluation steps (the validator's {@code LabelledStep} format): the text is the task input of
     * a first step whose proposed action is a harmless final answer.
     */
    public static void writeLabelledSteps(Path file, List<CorpusRow> rows, String header) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            if (header != null) {
                for (String line : header.split("\n")) {
                    w.write("# " + line + "\n");
                }
            }
            for (CorpusRow r : rows) {
                Map<String, Object> step = new LinkedHashMap<>();
                step.put("id", r.id());
                step.put("input", r.text());
                Map<String, Object> action = new LinkedHashMap<>();
                action.put("type", "final_answer");
                action.put("answer", "Happy to help with that.");
                step.put("action", action);
                step.put("label", r.label());
                step.put("stepIndex", 0);
                step.put("toolOutputs", List.of());
                step.put("source", r.source());
                if (r.category() != null) {
                    step.put("category", r.category());
                }
                w.write(JSON.writeValueAsString(step));
                w.write('\n');
            }
        }
    }
}
