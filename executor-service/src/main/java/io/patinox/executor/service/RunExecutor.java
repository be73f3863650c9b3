package io.patinox.executor.service;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.Usage;
import io.patinox.executor.ai.ModelClient;
import io.patinox.executor.ai.ModelClients;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.config.AgentRegistry;
import io.patinox.executor.config.ExecutorConfig;
import io.patinox.executor.messaging.EventPublisher;
import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.executor.review.ReviewEvents;
import io.patinox.executor.review.ReviewPolicies;
import io.patinox.executor.review.ReviewSettings;
import io.patinox.executor.tools.ToolRegistry;
import io.patinox.executor.workflow.WorkflowDefinition;
import io.patinox.executor.workflow.WorkflowRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Runs tasks: deduplicates by task id, finds the agent and its model, drives the {@link RunLoop}, and
 * publishes every step and the one result. Blocking: call it from a worker thread.
 */
@ApplicationScoped
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);
    /** Instrumentation scope of the executor's spans. */
    static final String TRACER = "io.patinox.executor";
    /** How often one run may be handed from agent to agent by divert verdicts. */
    static final int MAX_HANDOVERS = 3;

    /** What a run loop needs from the application; {@code reviews} gives a policy's review settings, if any. */
    record Deps(ValidationGateway gateway, ToolRegistry tools, String safeAnswer, Tracer tracer, Clock clock,
            java.util.function.Function<String, Optional<ReviewSettings>> reviews) {
    }

    @Inject
    AgentRegistry agents;
    @Inject
    ModelClients models;
    @Inject
    ToolRegistry tools;
    @Inject
    ValidationGateway gateway;
    @Inject
    EventPublisher publisher;
    @Inject
    RunStore runs;
    @Inject
    ExecutorConfig config;
    @Inject
    OpenTelemetry openTelemetry;
    @Inject
    RunJournal journal;
    @Inject
    ExecutorMetrics metrics;
    @Inject
    io.patinox.executor.memory.MemoryGate memoryGate;
    @Inject
    Clock clock;
    @Inject
    WorkflowRegistry workflows;
    @Inject
    ReviewPolicies reviewPolicies;
    @Inject
    ReviewEvents reviewEvents;

    /**
     * Runs {@code task} unless this instance already ran (or is running) its task id.
     *
     * @return the result, or empty for a duplicate
     */
    public Optional<RunResult> run(TaskSubmitted task) {
        return run(task, null);
    }

    /**
     * Runs {@code task} with {@code agent} (e.g. one built in Java with {@code AgentBuilder}) instead of
     * the config's agent of that name; null means the config's.
     *
     * @return the result, or empty for a duplicate
     */
    public Optional<RunResult> run(TaskSubmitted task, AgentDefinition agent) {
        if (!journal.awaitLoaded(config.runs().loadTimeout())) {
            LOG.warnf("Run journal not loaded within %s; task %s runs without it", config.runs().loadTimeout(), task.taskId());
        }
        Optional<RunCheckpoint> checkpoint = journal.find(task.taskId());
        if (checkpoint.isPresent() && checkpoint.get().state() == RunCheckpoint.State.DONE) {
            runs.remember(checkpoint.get().result());
            LOG.infof("Task %s already ended %s (run %s); ignoring the duplicate", task.taskId(),
                    checkpoint.get().result().status(), checkpoint.get().runId());
            return Optional.empty();
        }
        Optional<RunResult> published = journal.published(task.taskId());
        if (published.isPresent()) {
            // Published, then the executor stopped before the final checkpoint: the task ended; do not run it twice.
            runs.remember(published.get());
            LOG.infof("Task %s already ended %s (run %s, result published); ignoring the redelivery", task.taskId(),
                    published.get().status(), published.get().runId());
            return Optional.empty();
        }
        if (checkpoint.isPresent() && checkpoint.get().state() == RunCheckpoint.State.SUSPENDED) {
            // Waiting for a reviewer: the decision resumes it, not a redelivered task.
            runs.suspend(task.taskId(), checkpoint.get().runId(), task.agent());
            LOG.infof("Task %s waits for review %s; ignoring the redelivery", task.taskId(),
                    checkpoint.get().review().reviewId());
            return Optional.empty();
        }
        if (checkpoint.isPresent() && checkpoint.get().state() == RunCheckpoint.State.RUNNING
                && checkpoint.get().review() != null && checkpoint.get().review().decision() != null) {
            // Decided and resumed by its review decision, whose consumer owns the run (and resumes it again if the
            // decision is redelivered): a redelivered task must not drive the same run a second time.
            LOG.infof("Task %s resumes by its review decision %s; ignoring the redelivery", task.taskId(),
                    checkpoint.get().review().decision().decisionId());
            return Optional.empty();
        }
        Optional<RunCheckpoint> resume = checkpoint.filter(c -> c.state() == RunCheckpoint.State.RUNNING);
        String runId = resume.map(RunCheckpoint::runId).orElseGet(() -> UUID.randomUUID().toString());
        if (!runs.start(task.taskId(), runId, task.agent())) {
            LOG.infof("Task %s was already run by this executor; ignoring the duplicate", task.taskId());
            return Optional.empty();
        }
        resume.ifPresent(c -> LOG.infof("Resuming run %s of task %s at step %d", c.runId(), c.taskId(), c.stepIndex()));
        return drive(task, agent, runId, resume.map(RunCheckpoint::startedAt).orElseGet(Instant::now), resume.orElse(null));
    }

    /**
     * Resumes a suspended run whose review was decided: {@code checkpoint} is running again and carries the decision,
     * which the run applies before it goes on.
     *
     * @return the result, or empty when the run was suspended again
     */
    public Optional<RunResult> resume(RunCheckpoint checkpoint) {
        runs.resume(checkpoint.taskId(), checkpoint.runId(), checkpoint.task().agent());
        LOG.infof("Resuming run %s of task %s after review %s (%s by %s)", checkpoint.runId(), checkpoint.taskId(),
                checkpoint.review().reviewId(), checkpoint.review().decision().decision(),
                checkpoint.review().decision().decidedBy());
        return drive(checkpoint.task(), null, checkpoint.runId(), checkpoint.startedAt(), checkpoint);
    }

    private Optional<RunResult> drive(TaskSubmitted task, AgentDefinition agent, String runId, Instant startedAt,
            RunCheckpoint resume) {
        Tracer tracer = openTelemetry.getTracer(TRACER);
        Span span = tracer.spanBuilder((task.workflow() != null ? "invoke_workflow " : "invoke_agent ") + task.agent())
                .startSpan();
        span.setAttribute("gen_ai.operation.name", "invoke_agent");
        span.setAttribute("gen_ai.agent.name", task.agent());
        span.setAttribute("patinox.task.id", task.taskId());
        span.setAttribute("patinox.run.id", runId);
        RunResult result;
        try (Scope ignored = span.makeCurrent()) {
            Outcome outcome = task.workflow() != null ? executeWorkflow(task, runId, startedAt, resume)
                    : execute(task, agent, runId, startedAt, resume);
            if (outcome.suspended() != null) {
                suspend(task, outcome.suspended());
                span.setAttribute("patinox.run.status", RunStatus.SUSPENDED.name());
                return Optional.empty();
            }
            result = outcome.result();
            // Validated like a step, whose event goes out before the result that ends the run.
            rememberIfUseful(task, result);
            publisher.result(result);
            if (outcome.humanReview()) {
                publisher.review(result);
            }
            // After the result: a crash in between repeats the result rather than losing it.
            try {
                journal.save(new RunCheckpoint(RunCheckpoint.SCHEMA_VERSION, task.taskId(), runId, RunCheckpoint.State.DONE,
                        task, result.steps(), 0, 0, result.usage(), null, null, startedAt, result, clock.instant()));
            } catch (RuntimeException e) {
                LOG.errorf("Task %s ended but its final checkpoint was not written: %s", task.taskId(), e.getMessage());
            }
            span.setAttribute("patinox.run.status", result.status().name());
        } catch (RuntimeException e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR);
            throw e;
        } finally {
            span.end();
        }
        runs.finish(result);
        metrics.run(result);
        LOG.infof("Task %s (%s %s) ended %s%s", task.taskId(), task.workflow() != null ? "workflow" : "agent", task.agent(),
                result.status(), result.reason() == null ? "" : ": " + result.reason());
        return Optional.of(result);
    }

    /** Writes the suspended checkpoint (the run's durable state while it waits), then tells reviewers. */
    private void suspend(TaskSubmitted task, RunCheckpoint checkpoint) {
        journal.save(checkpoint);
        runs.suspend(task.taskId(), checkpoint.runId(), task.agent());
        reviewEvents.requested(checkpoint, task.workflow() != null ? workflows.version() : agents.version());
        LOG.infof("Run %s of task %s suspended for review %s: %s", checkpoint.runId(), task.taskId(),
                checkpoint.review().reviewId(), checkpoint.review().reason());
    }

    /** How a run came out: ended with {@code result}, or suspended with the checkpoint {@code suspended}. */
    private record Outcome(RunResult result, boolean humanReview, RunCheckpoint suspended) {
        Outcome(RunResult result, boolean humanReview) {
            this(result, humanReview, null);
        }
    }

    private Deps deps() {
        return new Deps(gateway, tools, config.safeAnswer(), openTelemetry.getTracer(TRACER), clock, reviewPolicies::forPolicy);
    }

    private Outcome executeWorkflow(TaskSubmitted task, String runId, Instant startedAt, RunCheckpoint resume) {
        String version = workflows.version();
        Optional<WorkflowDefinition> found = workflows.find(task.workflow());
        if (found.isEmpty()) {
            return new Outcome(workflowResult(task, runId, version, RunStatus.FAILED, "Sorry, I cannot run this task.",
                    "unknown workflow '" + task.workflow() + "' (known: " + workflows.all().keySet() + ")", 0, Usage.NONE,
                    null, startedAt), false);
        }
        WorkflowRun run = new WorkflowRun(deps(), new WorkflowRun.Env(agents::find, models::forAgent, workflows::find,
                journal::save, this::publishStep), new RunScope(task, runId, version, startedAt), found.get(), resume);
        RunLoop.Ending ending;
        try {
            ending = run.run();
        } catch (RuntimeException e) {
            LOG.errorf(e, "Run %s of workflow task %s failed", runId, task.taskId());
            ending = new RunLoop.Ending(RunStatus.FAILED, "Sorry, something went wrong and I could not finish this task.",
                    "executor error: " + e, false);
        }
        if (ending.status() == RunStatus.SUSPENDED) {
            return new Outcome(null, false, run.suspendedCheckpoint());
        }
        return new Outcome(workflowResult(task, runId, version, ending.status(), ending.answer(), ending.reason(),
                run.progress().proposals(), run.progress().usage(), run.model(), startedAt), ending.humanReview());
    }

    private RunResult workflowResult(TaskSubmitted task, String runId, String version, RunStatus status, String answer,
            String reason, int steps, Usage usage, ModelRef model, Instant startedAt) {
        return new RunResult(RunResult.SCHEMA_VERSION, task.taskId(), runId, task.agent(), version, status, answer, reason,
                steps, usage, model, task.metadata(), startedAt, clock.instant(), task.workflow());
    }

    private Outcome execute(TaskSubmitted task, AgentDefinition explicit, String runId, Instant startedAt,
            RunCheckpoint resume) {
        String version = agents.version();
        // A run suspended after a hand-over waits on the agent it was handed to.
        String named = resume != null && resume.review() != null ? resume.review().agent() : task.agent();
        Optional<AgentDefinition> found = explicit != null ? Optional.of(explicit) : agents.find(named);
        if (found.isEmpty()) {
            return new Outcome(result(task, runId, task.agent(), version, RunStatus.FAILED,
                    "Sorry, I cannot run this task.",
                    "unknown agent '" + task.agent() + "' (known: " + agents.all().keySet() + ")",
                    0, Usage.NONE, null, startedAt), false);
        }
        AgentDefinition agent = found.get();
        ModelClient model;
        try {
            model = models.forAgent(agent);
        } catch (RuntimeException e) {
            return new Outcome(result(task, runId, agent.name(), version, RunStatus.FAILED,
                    "Sorry, I cannot run this task.", "no model for agent '" + agent.name() + "': " + e.getMessage(),
                    0, Usage.NONE, null, startedAt), false);
        }
        Deps deps = deps();
        RunScope scope = new RunScope(task, runId, version, startedAt);
        RunLoop loop = journaled(new RunLoop(deps, scope, agent, model, this::publishStep));
        RunCheckpoint.PendingReview decided = null;
        if (resume != null) {
            loop.resumeFrom(resume);
            decided = resume.review() != null && resume.review().decision() != null ? resume.review() : null;
        }
        RunLoop.Ending ending;
        int handovers = 0;
        while (true) {
            try {
                ending = decided != null ? loop.decided(decided.decision(), decided.action()) : null;
                decided = null;
                if (ending == null) {
                    ending = loop.run();
                }
            } catch (RuntimeException e) {
                LOG.errorf(e, "Run %s of task %s failed", runId, task.taskId());
                ending = new RunLoop.Ending(RunStatus.FAILED, "Sorry, something went wrong and I could not finish this task.",
                        "executor error: " + e, false);
            }
            // A divert to another agent hands the run over, within MAX_HANDOVERS so agents cannot ping-pong forever.
            Optional<AgentDefinition> next = ending.divertTarget() == null || ending.humanReview()
                    ? Optional.empty()
                    : agents.find(ending.divertTarget());
            if (next.isEmpty() || handovers >= MAX_HANDOVERS) {
                break;
            }
            handovers++;
            try {
                ModelClient nextModel = models.forAgent(next.get());
                LOG.infof("Run %s of task %s handed over from %s to %s", runId, task.taskId(), agent.name(), next.get().name());
                RunLoop previous = loop;
                agent = next.get();
                model = nextModel;
                loop = journaled(new RunLoop(deps, scope, agent, model, this::publishStep)
                        .continueAfter(previous, ending.reason()));
            } catch (RuntimeException e) {
                ending = new RunLoop.Ending(RunStatus.FAILED, "Sorry, I cannot run this task.",
                        "no model for agent '" + next.get().name() + "': " + e.getMessage(), false);
                break;
            }
        }
        if (ending.status() == RunStatus.SUSPENDED) {
            RunLoop.Suspension s = ending.suspension();
            return new Outcome(null, false, loop.checkpoint().suspended(new RunCheckpoint.PendingReview(
                    UUID.randomUUID().toString(), null, agent.name(), s.policy(), loop.progress().stepIndex(), s.action(),
                    s.reason(),
                    clock.instant().plus(s.settings().timeout()), s.settings().onTimeout(), null)));
        }
        return new Outcome(result(task, runId, agent.name(), version, ending.status(), ending.answer(), ending.reason(),
                loop.progress().proposals(), loop.progress().usage(), model.ref(), startedAt), ending.humanReview());
    }

    /** {@code loop} with its checkpoints written to the journal, side-effecting tool calls included. */
    private RunLoop journaled(RunLoop loop) {
        return loop.onCheckpoint(l -> journal.save(l.checkpoint()))
                .onToolInFlight(call -> journal.save(loop.checkpoint().withToolInFlight(call, clock.instant())));
    }

    /**
     * A completed run of an agent that searches its memory is worth remembering, if the validator allows it
     * ({@link io.patinox.executor.memory.MemoryGate}); never fails the run.
     */
    private void rememberIfUseful(TaskSubmitted task, RunResult result) {
        if (result.status() != RunStatus.COMPLETED || !config.memory().rememberRuns()) {
            return;
        }
        Optional<AgentDefinition> agent = agents.find(result.agent());
        if (agent.isPresent() && agent.get().allows("memory_search")) {
            try {
                memoryGate.remember(task, result, agent.get(), this::publishStep);
            } catch (RuntimeException | LinkageError e) {
                LOG.warnf("Could not remember task %s: %s", task.taskId(), e.toString());
            }
        }
    }

    private void publishStep(StepEvent step) {
        runs.step(step);
        metrics.step(step);
        publisher.step(step);
    }

    private RunResult result(TaskSubmitted task, String runId, String agent, String version, RunStatus status,
            String answer, String reason, int steps, Usage usage, ModelRef model, Instant startedAt) {
        return new RunResult(RunResult.SCHEMA_VERSION, task.taskId(), runId, agent, version, status, answer, reason,
                steps, usage, model, task.metadata(), startedAt, clock.instant());
    }
}
