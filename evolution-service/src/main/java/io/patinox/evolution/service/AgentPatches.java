package io.patinox.evolution.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.patinox.evolution.ai.AgentPatch;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Checks a drafted {@link AgentPatch} and writes it into the agent's file. A patch may touch only the agent's
 * {@code instructions}, its {@code tools} (among the registry's) and its {@code policy} (among the policies that
 * exist); anything else, or a result that does not load as the same agent with only those fields changed, is
 * refused with the reason. The file is edited as text, field by field, so its comments and order survive; the
 * result is then read back as YAML and compared with what was asked.
 */
public final class AgentPatches {

    /** The fields a drafted patch may change. */
    public static final List<String> FIELDS = List.of("instructions", "tools", "policy");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern TOOL = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Pattern POLICY = Pattern.compile("[a-z0-9][a-z0-9-]*");

    /** What checking a patch gave. */
    public sealed interface Checked {
        /** The new file and the fields it changes. */
        record Applied(String yaml, List<String> fields) implements Checked {
        }

        /** Why the patch is refused. */
        record Refused(String reason) implements Checked {
        }
    }

    private final Set<String> tools;
    private final Predicate<String> policyExists;
    private final int maxInstructions;

    /**
     * @param tools the tools a patch may give the agent (the registry's)
     * @param policyExists whether a policy of that name exists in the config
     * @param maxInstructions the longest instructions allowed
     */
    public AgentPatches(List<String> tools, Predicate<String> policyExists, int maxInstructions) {
        this.tools = Set.copyOf(tools);
        this.policyExists = policyExists;
        this.maxInstructions = maxInstructions;
    }

    /** Checks {@code patch} against agent {@code agent}'s file {@code yaml} and applies it. */
    public Checked apply(String agent, String yaml, AgentPatch patch) {
        ObjectNode before;
        try {
            before = (ObjectNode) YAML.readTree(yaml);
        } catch (Exception e) {
            return new Checked.Refused("the agent's file in force is not a YAML mapping");
        }
        if (patch.changes().isEmpty()) {
            return new Checked.Refused("the patch changes nothing");
        }
        Map<String, Object> wanted = new LinkedHashMap<>();
        for (AgentPatch.FieldChange change : patch.changes()) {
            String field = change == null || change.field() == null ? "" : change.field().strip();
            if (!FIELDS.contains(field)) {
                return new Checked.Refused("the patch touches field '" + abbreviate(field) + "', which a drafted "
                        + "change may not (allowed: " + String.join(", ", FIELDS) + ")");
            }
            if (wanted.containsKey(field)) {
                return new Checked.Refused("the patch changes field '" + field + "' twice");
            }
            String problem = switch (field) {
                case "instructions" -> instructions(change);
                case "tools" -> tools(change, before);
                default -> policy(change);
            };
            if (problem != null) {
                return new Checked.Refused(problem);
            }
            wanted.put(field, field.equals("tools") ? List.copyOf(change.values())
                    : change.value().strip().lines().map(String::stripTrailing).collect(Collectors.joining("\n")));
        }
        String edited = yaml;
        for (var entry : wanted.entrySet()) {
            edited = replace(edited, entry.getKey(), render(entry.getKey(), entry.getValue()));
        }
        return verify(agent, before, edited, wanted);
    }

    private String instructions(AgentPatch.FieldChange c) {
        if (c.value() == null || c.value().isBlank()) {
            return "the patch's instructions are empty";
        }
        if (c.value().length() > maxInstructions) {
            return "the patch's instructions are longer than " + maxInstructions + " characters";
        }
        return null;
    }

    private String tools(AgentPatch.FieldChange c, ObjectNode before) {
        if (c.values() == null) {
            return "the patch's tools are not a list";
        }
        Set<String> allowed = new LinkedHashSet<>(tools);
        before.path("tools").forEach(t -> allowed.add(t.asText()));
        Set<String> seen = new LinkedHashSet<>();
        for (String tool : c.values()) {
            if (tool == null || !TOOL.matcher(tool).matches() || !allowed.contains(tool)) {
                return "the patch gives the agent tool '" + abbreviate(String.valueOf(tool)) + "', which is not in "
                        + "the registry (" + String.join(", ", allowed) + ")";
            }
            if (!seen.add(tool)) {
                return "the patch lists tool '" + tool + "' twice";
            }
        }
        return null;
    }

    private String policy(AgentPatch.FieldChange c) {
        String name = c.value() == null ? "" : c.value().strip();
        if (!POLICY.matcher(name).matches() || !policyExists.test(name)) {
            return "the patch names policy '" + abbreviate(name) + "', which does not exist";
        }
        return null;
    }

    /** Reads the edited file back: the same agent, only the asked-for fields changed, to the asked-for values. */
    private static Checked verify(String agent, ObjectNode before, String edited, Map<String, Object> wanted) {
        ObjectNode after;
        try {
            after = (ObjectNode) YAML.readTree(edited);
        } catch (Exception e) {
            return new Checked.Refused("the patched file does not load as YAML");
        }
        if (!agent.equals(after.path("name").asText())) {
            return new Checked.Refused("the patched file is no longer agent '" + agent + "'");
        }
        Set<String> names = new LinkedHashSet<>();
        before.fieldNames().forEachRemaining(names::add);
        after.fieldNames().forEachRemaining(names::add);
        List<String> changed = new ArrayList<>();
        for (String field : names) {
            JsonNode was = before.get(field);
            JsonNode now = after.get(field);
            if (!wanted.containsKey(field)) {
                if (was == null || !was.equals(now)) {
                    return new Checked.Refused("the patched file changes field '" + field + "' it may not");
                }
                continue;
            }
            if (!matches(now, wanted.get(field))) {
                return new Checked.Refused("the patched file does not hold the patch's " + field);
            }
            if (was == null || !was.equals(now)) {
                changed.add(field);
            }
        }
        if (changed.isEmpty()) {
            return new Checked.Refused("the patch changes nothing");
        }
        return new Checked.Applied(edited, List.copyOf(changed));
    }

    private static boolean matches(JsonNode node, Object value) {
        if (node == null) {
            return false;
        }
        if (value instanceof List<?> list) {
            List<String> items = new ArrayList<>();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext();) {
                items.add(it.next().asText());
            }
            return node.isArray() && items.equals(list);
        }
        return node.isTextual() && node.asText().strip().equals(String.valueOf(value).strip());
    }

    /** A field written as YAML: a literal block for the instructions, a block list for the tools. */
    static String render(String field, Object value) {
        if (value instanceof List<?> list) {
            if (list.isEmpty()) {
                return field + ": []\n";
            }
            StringBuilder b = new StringBuilder(field).append(":\n");
            list.forEach(item -> b.append("  - ").append(item).append('\n'));
            return b.toString();
        }
        String text = String.valueOf(value).strip();
        if (field.equals("instructions")) {
            StringBuilder b = new StringBuilder(field).append(": |\n");
            text.lines().forEach(l -> b.append(l.isBlank() ? "" : "  " + l.stripTrailing()).append('\n'));
            return b.toString();
        }
        return field + ": " + text + "\n";
    }

    /**
     * Replaces top-level field {@code field} (its line and its indented continuation) with {@code rendered}, or
     * appends it when the file has none. Blank lines and comments after the field stay where they are.
     */
    static String replace(String yaml, String field, String rendered) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(field) + ":.*(?:\\n|$)").matcher(yaml);
        if (!m.find()) {
            return (yaml.endsWith("\n") || yaml.isEmpty() ? yaml : yaml + "\n") + rendered;
        }
        int end = m.end();
        int lastContent = end;
        while (end < yaml.length()) {
            int next = yaml.indexOf('\n', end);
            int lineEnd = next < 0 ? yaml.length() : next + 1;
            String line = yaml.substring(end, lineEnd);
            if (line.isBlank()) {
                end = lineEnd;
                continue;
            }
            if (!(line.startsWith(" ") || line.startsWith("\t") || line.startsWith("- "))) {
                break;
            }
            end = lineEnd;
            lastContent = lineEnd;
        }
        return yaml.substring(0, m.start()) + rendered + yaml.substring(lastContent);
    }

    private static String abbreviate(String s) {
        return s.length() <= 60 ? s : s.substring(0, 60) + "…";
    }
}
