package io.patinox.executor.workflow;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * Where each field of a YAML document is written: {@code steps[2].arguments.amount} → its 1-based line. Read from
 * the parser's token locations, so nested fields and list items get their own line (not only top-level keys).
 */
final class YamlLines {

    private final Map<String, Integer> lines = new HashMap<>();

    private YamlLines() {
    }

    /** The lines of {@code yaml}; an unparseable document has none (its syntax error names its own line). */
    static YamlLines of(String yaml) {
        YamlLines result = new YamlLines();
        try (JsonParser p = new YAMLFactory().createParser(yaml)) {
            Deque<Frame> stack = new ArrayDeque<>();
            String pendingField = null;
            JsonToken t;
            while ((t = p.nextToken()) != null) {
                int line = p.currentTokenLocation().getLineNr();
                if (t == JsonToken.FIELD_NAME) {
                    pendingField = p.currentName();
                    result.lines.putIfAbsent(join(stack, pendingField), line);
                    continue;
                }
                String here = stack.isEmpty() ? "" : childPath(stack, pendingField);
                if (!stack.isEmpty() && stack.peek().array) {
                    result.lines.putIfAbsent(here, line);
                }
                if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
                    stack.push(new Frame(here, t == JsonToken.START_ARRAY));
                } else if (t == JsonToken.END_OBJECT || t == JsonToken.END_ARRAY) {
                    stack.pop();
                    advance(stack);
                } else {
                    advance(stack);
                }
                pendingField = null;
            }
        } catch (IOException e) {
            // A syntax error: the reader reports it with its own line.
        }
        return result;
    }

    private static final class Frame {
        final String path;
        final boolean array;
        int index;

        Frame(String path, boolean array) {
            this.path = path;
            this.array = array;
        }
    }

    private static String childPath(Deque<Frame> stack, String field) {
        Frame top = stack.peek();
        return top.array ? top.path + "[" + top.index + "]" : join(stack, field);
    }

    private static void advance(Deque<Frame> stack) {
        if (!stack.isEmpty() && stack.peek().array) {
            stack.peek().index++;
        }
    }

    private static String join(Deque<Frame> stack, String field) {
        String parent = stack.isEmpty() ? "" : stack.peek().path;
        return parent.isEmpty() ? field : parent + "." + field;
    }

    /** The line of {@code field}, or of its nearest written parent; -1 when none is known. */
    int line(String field) {
        String f = field;
        while (f != null && !f.isEmpty()) {
            Integer n = lines.get(f);
            if (n != null) {
                return n;
            }
            int cut = Math.max(f.lastIndexOf('.'), f.lastIndexOf('['));
            f = cut < 0 ? null : f.substring(0, cut);
        }
        return -1;
    }

    /** {@code field 'x' <what> (line n)}: how every problem of a workflow file is written. */
    String describe(String field, String what) {
        int n = line(field);
        return "field '" + field + "' " + what + (n > 0 ? " (line " + n + ")" : "");
    }
}
