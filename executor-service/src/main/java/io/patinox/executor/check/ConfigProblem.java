package io.patinox.executor.check;

import io.patinox.executor.config.AgentFileReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One problem of a config file, printed {@code file:line: field: message} (the line and field left out where
 * unknown), the form editors and CI logs link to.
 *
 * @param file the file
 * @param line the 1-based line, or -1
 * @param field the field's dotted path (e.g. {@code steps[1].branch.when}), or null
 * @param message what is wrong
 */
public record ConfigProblem(String file, int line, String field, String message) {

    /** How the readers name a field: {@code field 'steps[0].tool' names an unknown tool (line 7)}. */
    private static final Pattern FIELD = Pattern.compile("(?s)field '([^']*)':? (.*?)(?: \\(line (\\d+)\\))?");
    private static final Pattern YAML_LINE = Pattern.compile("(?s)not valid YAML \\(line (\\d+)\\): (.*)");

    public ConfigProblem {
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(message, "message");
    }

    /**
     * The problems a reader's message lists: {@code <file>: <problem>; <problem>...}. A field named without its line
     * gets the line where its top-level key is written.
     */
    static List<ConfigProblem> parse(Path file, String message) {
        String prefix = file + ": ";
        String rest = message.startsWith(prefix) ? message.substring(prefix.length()) : message;
        List<ConfigProblem> problems = new ArrayList<>();
        for (String part : rest.split("; (?=field ')")) {
            Matcher f = FIELD.matcher(part);
            Matcher y = YAML_LINE.matcher(part);
            if (f.matches()) {
                int line = f.group(3) != null ? Integer.parseInt(f.group(3)) : AgentFileReader.lineOf(file, f.group(1));
                problems.add(new ConfigProblem(file.toString(), line, f.group(1), f.group(2)));
            } else if (y.matches()) {
                problems.add(new ConfigProblem(file.toString(), Integer.parseInt(y.group(1)), null,
                        "not valid YAML: " + y.group(2)));
            } else {
                problems.add(new ConfigProblem(file.toString(), -1, null, part));
            }
        }
        return problems;
    }

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + ": " + (field == null ? "" : field + ": ") + message;
    }
}
