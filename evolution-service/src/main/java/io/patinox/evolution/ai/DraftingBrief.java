package io.patinox.evolution.ai;

import io.patinox.contracts.events.FailureCluster;
import java.util.List;
import java.util.Objects;

/**
 * What the drafting model is told about one agent: its file, the failure clusters that call for a change (with
 * their exemplars, which carry the verdicts' reasons: {@code "retried: <why> | <what>"}), and what a patch may
 * choose from.
 *
 * @param agent the agent's name
 * @param yaml its file as in force
 * @param clusters the clusters that motivate the change
 * @param tools the tools a patch may give it
 * @param policies the validator policies that exist
 */
public record DraftingBrief(String agent, String yaml, List<FailureCluster> clusters, List<String> tools,
        List<String> policies) {

    /** Most characters of one exemplar quoted to the model. */
    static final int MAX_EXEMPLAR = 300;

    public DraftingBrief {
        Objects.requireNonNull(agent, "agent");
        Objects.requireNonNull(yaml, "yaml");
        clusters = List.copyOf(clusters);
        tools = List.copyOf(tools);
        policies = List.copyOf(policies);
    }

    /** The user message. Exemplars are fenced as data. */
    public String render() {
        StringBuilder b = new StringBuilder("Agent '").append(agent).append("', its file:\n```yaml\n")
                .append(yaml.stripTrailing()).append("\n```\n\nFailure clusters of its recent steps:\n");
        for (FailureCluster c : clusters) {
            b.append("- cluster ").append(c.clusterId()).append(", ").append(c.size()).append(" steps; exemplars:\n");
            for (String e : c.exemplars()) {
                String quoted = e.length() > MAX_EXEMPLAR ? e.substring(0, MAX_EXEMPLAR) + "…" : e;
                b.append("  <<<").append(quoted.replace("\n", " ")).append(">>>\n");
            }
        }
        b.append("\nFields a change may touch: instructions, tools, policy.\nTools available: ")
                .append(String.join(", ", tools)).append("\nPolicies available: ").append(String.join(", ", policies))
                .append('\n');
        return b.toString();
    }
}
