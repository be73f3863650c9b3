package io.patinox.contracts.events;

import io.patinox.contracts.verdict.Finding;
import io.patinox.contracts.verdict.Verdict;
import java.time.Instant;
import java.util.List;

/**
 * The validator's answer to one {@link ValidationRequest}. Topic {@code patinox.validation.replies},
 * key: {@code runId}.
 *
 * @param schemaVersion {@value #SCHEMA_VERSION}
 * @param requestId the request answered
 * @param taskId the task the run belongs to
 * @param runId the run
 * @param stepIndex the step answered
 * @param agent the agent's name
 * @param configVersion the config commit of the policy that judged it
 * @param policy the policy that judged it
 * @param verdict the combined verdict: the strongest of the findings
 * @param findings every validator's finding, in the order they ran
 * @param latencyMicros time spent in the validator service for this request
 * @param occurredAt when the validator answered
 */
public record ValidationReply(int schemaVersion, String requestId, String taskId, String runId, int stepIndex,
        String agent, String configVersion, String policy, Verdict verdict,
        List<Finding> findings, long latencyMicros, Instant occurredAt) implements Event {

    /** The version of this record's schema that this build writes and reads. */
    public static final int SCHEMA_VERSION = 1;

    public ValidationReply {
        Checks.version(schemaVersion, SCHEMA_VERSION, "ValidationReply");
        ValidationRequest.checkStep(requestId, taskId, runId, stepIndex, agent, configVersion, policy);
        Checks.required(verdict, "verdict");
        findings = Checks.list(findings);
        Checks.nonNegative(latencyMicros, "latencyMicros");
        Checks.required(occurredAt, "occurredAt");
    }

    /**
     * A reply to {@code request} with the given verdict and findings, answered at {@code answeredAt} (the caller's
     * clock, so that a test can fix it).
     */
    public static ValidationReply answering(ValidationRequest request, String configVersion, Verdict verdict,
            List<Finding> findings, long latencyMicros, Instant answeredAt) {
        return new ValidationReply(SCHEMA_VERSION, request.requestId(), request.taskId(), request.runId(),
                request.stepIndex(), request.agent(), configVersion, request.policy(), verdict, findings,
                latencyMicros, answeredAt);
    }
}
