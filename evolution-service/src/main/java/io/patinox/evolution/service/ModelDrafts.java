package io.patinox.evolution.service;

import io.patinox.contracts.events.FailureCluster;
import io.patinox.contracts.events.TelemetryAggregate;
import io.patinox.evolution.ai.DraftingBrief;
import io.patinox.evolution.ai.ModelAgentDrafter;
import io.patinox.evolution.config.EvolutionConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Puts the drafting model in front of the {@code revise-instructions} rule. With a model configured, a cluster of
 * steps the validator sent back makes the model draft a {@value #KIND} patch of the agent ({@link AgentPatches}
 * checks it): a patch that passes is submitted (replayed, then opened); one that does not parse or touches what it
 * may not is refused with the reason, never committed; a model that fails or times out leaves the rule-based draft
 * in its place, its evidence saying why. Without a model the rule-based drafts pass alone, and say so. The id of a
 * model draft derives from the agent, config version and clusters, so the same facts ask the model once.
 */
public final class ModelDrafts {

    /** The kind of a model-drafted proposal. */
    public static final String KIND = "revise-agent";
    /** What proposals and the start-up log say when no model is configured. */
    public static final String NO_MODEL = "no drafting model configured (patinox.evolution.drafter.base-url): "
            + "the rule-based drafters run alone";
    /** Most failed drafting keys remembered, so that a model that is down is not asked again for the same facts. */
    static final int REMEMBERED_FAILURES = 1000;

    /** A draft to submit, or one refused before any replay. */
    public sealed interface Drafted {
        Draft draft();

        /** Replayed, then opened or rejected by the replay. */
        record Submit(Draft draft) implements Drafted {
        }

        /** Rejected with {@code reason}, never committed. */
        record Refuse(Draft draft, String reason) implements Drafted {
        }
    }

    private final Optional<ModelAgentDrafter> model;
    private final EvolutionConfig.Drafter settings;
    private final long minClusterSize;
    private final Set<String> failed = new LinkedHashSet<>();

    public ModelDrafts(Optional<ModelAgentDrafter> model, EvolutionConfig.Drafter settings, long minClusterSize) {
        this.model = model;
        this.settings = settings;
        this.minClusterSize = minClusterSize;
    }

    /** One line for the start-up log. */
    public String describe() {
        return model.map(m -> "Changes to agents are drafted by " + m.name() + " (timeout " + settings.timeout()
                + "), falling back to the rule-based drafters").orElse("Drafting: " + NO_MODEL);
    }

    /**
     * The drafts of one aggregate: the rules' {@code ruleDrafts}, with the {@code revise-instructions} one replaced
     * by the model's when a model is configured.
     *
     * @param read a config file's content on the main branch
     * @param policies the policies that exist
     * @param known whether a proposal id exists already
     */
    public synchronized List<Drafted> draft(TelemetryAggregate a, List<Draft> ruleDrafts,
            Function<String, Optional<String>> read, List<String> policies,
            Predicate<String> known) {
        List<Drafted> out = new ArrayList<>();
        Draft ruleRevision = null;
        for (Draft d : ruleDrafts) {
            if (d.kind().equals("revise-instructions")) {
                ruleRevision = d;
            } else {
                out.add(new Drafted.Submit(d));
            }
        }
        String path = "agents/" + a.agent() + ".yaml";
        Optional<String> yaml = read.apply(path);
        List<FailureCluster> clusters = ProposalRules.retried(a, minClusterSize);
        if (model.isEmpty() || clusters.isEmpty() || yaml.isEmpty()) {
            if (ruleRevision != null) {
                out.add(new Drafted.Submit(model.isEmpty() ? noted(ruleRevision, "drafter",
                        ruleRevision.evidence().get("drafter") + "; " + NO_MODEL) : ruleRevision));
            }
            return out;
        }
        String clusterIds = clusters.stream().map(FailureCluster::clusterId).sorted().collect(Collectors.joining(","));
        String key = KIND + "|" + a.agent() + "|" + a.configVersion() + "|" + clusterIds;
        if (known.test(Draft.idOf(key)) || failed.contains(key)) {
            return out; // these facts were drafted before: by the model, refused, or by the rules in its place
        }
        ModelAgentDrafter drafter = model.get();
        Map<String, String> evidence = new LinkedHashMap<>();
        evidence.put("aggregate", a.subject());
        evidence.put("clusters", clusters.stream().map(c -> c.clusterId() + " (" + c.size() + ")")
                .collect(Collectors.joining(", ")));
        evidence.put("drafter", drafter.name());
        List<String> tools = new ArrayList<>(settings.tools());
        var brief = new DraftingBrief(a.agent(), yaml.get(), clusters, tools, policies);
        String summary = String.format(Locale.ROOT, "Revise %s as drafted by %s from %d retried step(s) (clusters %s)",
                a.agent(), drafter.name(), clusters.stream().mapToLong(FailureCluster::size).sum(),
                evidence.get("clusters"));
        ModelAgentDrafter.Result result = drafter.draft(brief);
        if (result instanceof ModelAgentDrafter.Result.Patched patched) {
            evidence.put("rationale", abbreviate(String.valueOf(patched.patch().rationale())));
            var checked = new AgentPatches(tools, policies::contains, settings.maxInstructions())
                    .apply(a.agent(), yaml.get(), patched.patch());
            if (checked instanceof AgentPatches.Checked.Applied applied) {
                evidence.put("changedFields", String.join(", ", applied.fields()));
                out.add(new Drafted.Submit(new Draft(key, KIND, a.agent(), a.configVersion(), summary,
                        Map.of(path, applied.yaml()), evidence)));
            } else {
                out.add(refuse(key, a, summary, evidence, ((AgentPatches.Checked.Refused) checked).reason()));
            }
        } else if (result instanceof ModelAgentDrafter.Result.Unparsable unparsable) {
            out.add(refuse(key, a, summary, evidence, unparsable.reason()));
        } else if (result instanceof ModelAgentDrafter.Result.Failed failure) {
            remember(key);
            if (ruleRevision != null) {
                // The rules' draft under the model's key: the same facts do not ask a failing model again.
                Draft fallback = noted(ruleRevision, "modelDrafter", drafter.name() + " failed: " + failure.reason()
                        + "; the rule-based draft is used");
                out.add(new Drafted.Submit(new Draft(key, fallback.kind(), fallback.agent(), fallback.baseVersion(),
                        fallback.summary(), fallback.changes(), fallback.evidence())));
            }
        }
        return out;
    }

    private static Drafted refuse(String key, TelemetryAggregate a, String summary, Map<String, String> evidence,
            String reason) {
        Map<String, String> e = new LinkedHashMap<>(evidence);
        e.put("refused", reason);
        return new Drafted.Refuse(new Draft(key, KIND, a.agent(), a.configVersion(), summary, Map.of(), e), reason);
    }

    private static Draft noted(Draft d, String key, String value) {
        Map<String, String> e = new LinkedHashMap<>(d.evidence());
        e.put(key, value);
        return new Draft(d.key(), d.kind(), d.agent(), d.baseVersion(), d.summary(), d.changes(), e);
    }

    private void remember(String key) {
        failed.add(key);
        if (failed.size() > REMEMBERED_FAILURES) {
            failed.remove(failed.iterator().next());
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 500 ? s : s.substring(0, 500) + "…";
    }
}
