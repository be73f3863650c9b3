package io.patinox.executor.admission;

import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.rest.ApiKeys;
import io.patinox.executor.service.ResultSeen;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a task may run, decided before anything is published or run: a valid and known agent, input and metadata
 * within the size limits, no reserved metadata, and the quotas of its API key and its agent. The REST door and the
 * Kafka consumer ask the same checks; what they answer differs (a status at the door, a dead letter or a result on
 * Kafka). An admitted task counts as in progress until its result is seen.
 */
@ApplicationScoped
public class Admission {

    @Inject
    TaskTargets targets;
    @Inject
    TaskSizes sizes;
    @Inject
    QuotaLedger ledger;
    @Inject
    AdmissionMetrics metrics;
    @Inject
    ExecutorConfig config;
    @Inject
    AgentRegistry agents;

    @Inject
    ApiKeys keys;

    void onStart(@Observes StartupEvent event) {
        long maxRecord = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getOptionalValue("mp.messaging.outgoing.task-submissions.max.request.size", Long.class).orElse(1_048_576L);
        long worst = 6L * (config.limits().maxInputBytes() + config.limits().maxMetadataBytes()) + 16_384;
        if (worst > maxRecord) {
            // JSON may write a character as six bytes: a task within the limits must still fit in one record.
            throw new IllegalStateException("patinox.executor.limits.max-input-bytes + max-metadata-bytes are too large:"
                    + " a task within them may take " + worst + " bytes as JSON, over the producer's max.request.size of "
                    + maxRecord + " bytes");
        }
        metrics.registerAll(keys.ids(), agents.all().keySet());
    }

    /**
     * The door's decision on a task submitted with the key {@code key} (null when authentication is off).
     *
     * @return the refusal, or empty when the task is admitted (and now counts as in progress)
     */
    public Optional<Refusal> atDoor(String taskId, String agent, String input, Map<String, String> metadata, String key) {
        return atDoor(taskId, agent, null, input, metadata, key);
    }

    /**
     * The door's decision on a task for {@code agent}, or for {@code workflow} when not null (then {@code agent} names it too).
     */
    public Optional<Refusal> atDoor(String taskId, String agent, String workflow, String input, Map<String, String> metadata,
            String key) {
        String keyId = key == null ? null : ApiKeys.id(key);
        Optional<Refusal> refusal = targets.check(agent, workflow)
                .or(() -> sizes.check(input, metadata))
                .or(() -> CallerStamp.reservedKey(metadata).map(k -> Refusal.of(Refusal.Kind.INVALID,
                        "metadata key '" + TaskTargets.printable(k) + "' is reserved: keys starting with '"
                                + CallerStamp.RESERVED_PREFIX + "' are set by the executor")))
                .or(() -> quotas(keyId, agent, true));
        return decided(refusal, taskId, keyId, agent, "rest");
    }

    /**
     * The consumer's decision on a task read from {@code patinox.tasks}. Sizes are checked for every task. A task the
     * door stamped counts against its key; its rate and runs in progress were counted at the door, so only the
     * day's quotas are checked again. Any other task counts against its agent alone. A task for an unknown agent
     * passes: its run fails saying so.
     */
    public Optional<Refusal> fromKafka(TaskSubmitted task) {
        Optional<Refusal> tooLarge = sizes.check(task.input(), task.metadata());
        if (tooLarge.isPresent()) {
            metrics.count(tooLarge.get(), "kafka");
            return tooLarge;
        }
        if (targets.check(task.agent(), task.workflow()).isPresent()) {
            return Optional.empty();
        }
        Optional<String> keyId = CallerStamp.verified(task.taskId(), task.metadata(), keys);
        boolean atDoor = keyId.isPresent();
        Optional<Refusal> refusal = config.quota().enabled()
                ? ledger.check(keyId.orElse(null), task.agent(), !atDoor, !atDoor)
                : Optional.empty();
        return decided(refusal, task.taskId(), keyId.orElse(null), task.agent(), "kafka");
    }

    /** The admitted task {@code taskId} will not run here (its publication failed, or its run is over). */
    public void withdrawn(String taskId) {
        ledger.close(taskId);
    }

    /** A run ended somewhere in the mesh: counts its usage for the day. */
    public void ended(RunResult result) {
        ledger.ended(result, CallerStamp.verified(result.taskId(), result.metadata(), keys).orElse(null));
    }

    void onResult(@Observes ResultSeen seen) {
        ended(seen.result());
    }

    private Optional<Refusal> quotas(String keyId, String agent, boolean door) {
        return config.quota().enabled() ? ledger.check(keyId, agent, door, door) : Optional.empty();
    }

    private Optional<Refusal> decided(Optional<Refusal> refusal, String taskId, String keyId, String agent, String path) {
        if (refusal.isPresent()) {
            metrics.count(refusal.get(), path);
        } else {
            ledger.open(taskId, keyId, agent);
            metrics.watch(Scope.AGENT, agent);
        }
        return refusal;
    }
}
