package io.patinox.evolution.retrain;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.patinox.detection.corpus.CorpusFiles;
import io.patinox.detection.corpus.CorpusRow;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A step a reviewer decided, as a labelled example of the injection corpus with where it came from. Written as one
 * line of {@code corpus/injection/reviewed.jsonl}, which the corpus reader takes as a {@link CorpusRow} (id, text,
 * label, source {@code review}, category the decision) and which keeps the provenance beside it.
 *
 * @param reviewId the review decided
 * @param taskId the task of the run
 * @param runId the run
 * @param agent the agent whose step was diverted
 * @param policy the validator policy that diverted it
 * @param stepIndex the step's index
 * @param configVersion the config commit the run used
 * @param text the text labelled: the task input
 * @param attack the label: an attack, or benign
 * @param decision {@code APPROVE} or {@code REJECT}
 * @param decidedBy the reviewer
 * @param reason the reviewer's reason, or null
 * @param decidedAt when it was decided
 */
public record ReviewedExample(String reviewId, String taskId, String runId, String agent, String policy, int stepIndex,
        String configVersion, String text, boolean attack, String decision, String decidedBy, String reason,
        Instant decidedAt) {

    /** The corpus row's id. */
    public String id() {
        return "review:" + reviewId;
    }

    /** The example as a corpus row (what the trainer and the evaluation read). */
    public CorpusRow row() {
        return new CorpusRow(id(), text, attack ? "attack" : "benign", "review", "review", decision.toLowerCase(),
                null, id(), "train");
    }

    /** One line of the examples file: the corpus row's fields, then the provenance. */
    public String line() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id());
        m.put("text", text);
        m.put("label", attack ? "attack" : "benign");
        m.put("source", "review");
        m.put("category", decision.toLowerCase());
        m.put("reviewId", reviewId);
        m.put("taskId", taskId);
        m.put("runId", runId);
        m.put("agent", agent);
        m.put("policy", policy);
        m.put("stepIndex", stepIndex);
        m.put("configVersion", configVersion);
        m.put("decision", decision);
        m.put("decidedBy", decidedBy);
        if (reason != null) {
            m.put("reason", reason);
        }
        m.put("decidedAt", decidedAt.toString());
        try {
            return CorpusFiles.JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
