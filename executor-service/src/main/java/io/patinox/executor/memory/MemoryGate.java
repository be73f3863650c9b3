package io.patinox.executor.memory;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.messaging.ValidationGateway;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.jboss.logging.Logger;

/**
 * Writes to long-term memory only what the validator allows (OWASP ASI06, memory poisoning). A completed run's
 * task and answer are asked about like a step of the run, through the agent's policy: the action is a
 * {@value #WRITE} call with the text and its source, and the text is also the step's {@code context.memory}, which
 * the injection checks read. Allow writes it, Modify writes the changed text (e.g. personal data redacted), any
 * other verdict (or none, failing closed) writes nothing. Either way one {@code StepEvent} records it.
 */
@ApplicationScoped
public class MemoryGate {

    /** The action's tool name; policies list it like a tool (it is not one a model can call). */
    public static final String WRITE = "memory_write";
    private static final Logger LOG = Logger.getLogger(MemoryGate.class);

    @Inject
    AgentMemory memory;
    @Inject
    ValidationGateway gateway;
    @Inject
    Clock clock;

    /**
     * Asks whether the run behind {@code result} may be remembered for {@code agent}, writes it if so, and hands the
     * step event to {@code onStep}. Never fails the run.
     */
    public void remember(TaskSubmitted task, RunResult result, AgentDefinition agent, Consumer<StepEvent> onStep) {
        String text = "Task: " + task.input() + "\nAnswer: " + result.answer();
        String source = "run " + result.runId() + " of task " + task.taskId() + " (config " + result.configVersion() + ")";
        Action.ToolCall write = new Action.ToolCall(WRITE, Map.of("text", text, "source", source));
        int index = result.steps();
        ValidationRequest request = new ValidationRequest(ValidationRequest.SCHEMA_VERSION, UUID.randomUUID().toString(),
                task.taskId(), result.runId(), index, agent.name(), result.configVersion(), agent.policy(), write,
                new StepContext(task.input(), List.of(), result.usage(), 0, List.of(text)), clock.instant());
        long v0 = System.nanoTime();
        ValidationGateway.Answer answer;
        try {
            answer = gateway.ask(request, agent.stepDeadline());
        } catch (RuntimeException e) {
            answer = new ValidationGateway.Answer(null, "the verdict could not be asked for: " + e.getMessage());
        }
        long validationMicros = (System.nanoTime() - v0) / 1000;
        ValidationGateway.Ruling ruling = answer.ruling(agent.failMode(), agent.policy());
        Verdict verdict = ruling.verdict();
        String toWrite = verdict instanceof Verdict.Allow ? text
                : verdict instanceof Verdict.Modify m && m.action() instanceof Action.ToolCall c
                        && c.arguments().get("text") instanceof String changed ? changed : null;
        StepOutcome outcome;
        String output = null;
        String error = null;
        long e0 = System.nanoTime();
        if (toWrite == null) {
            outcome = switch (verdict.kind()) {
                case RETRY -> StepOutcome.RETRIED;
                case DIVERT -> StepOutcome.DIVERTED;
                default -> StepOutcome.BLOCKED;
            };
            error = "not written to memory: " + verdict.kind().name().toLowerCase(java.util.Locale.ROOT)
                    + (verdict instanceof Verdict.Block b ? " (" + b.reason() + ")" : "");
            LOG.infof("Run %s of task %s not remembered: %s", result.runId(), task.taskId(), error);
        } else {
            try {
                memory.remember(agent.name(), toWrite, source);
                outcome = StepOutcome.EXECUTED;
                output = "remembered (" + toWrite.length() + " characters)";
            } catch (RuntimeException | LinkageError e) {
                outcome = StepOutcome.FAILED;
                error = "could not write to memory: " + e;
                LOG.warnf("Could not remember task %s: %s", task.taskId(), e.toString());
            }
        }
        long executionMicros = (System.nanoTime() - e0) / 1000;
        onStep.accept(new StepEvent(StepEvent.SCHEMA_VERSION, task.taskId(), result.runId(), index, agent.name(),
                result.configVersion(), result.model(), write, verdict, ruling.source(), ruling.findings(), outcome, output,
                error,
                Usage.NONE, 0, validationMicros, executionMicros, clock.instant()));
    }
}
