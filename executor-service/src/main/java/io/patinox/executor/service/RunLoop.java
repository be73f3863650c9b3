package io.patinox.executor.service;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.StepOutcome;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.events.VerdictSource;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.executor.ai.ChatEntry;
import io.patinox.executor.ai.ModelClient;
import io.patinox.executor.ai.ModelRequest;
import io.patinox.executor.ai.ModelTurn;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.executor.review.ReviewSettings;
import io.patinox.executor.tools.ToolFailure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * One run's step loop: propose (model) → ask for the verdict (deadline) → apply it. Nothing the model
 * proposes takes effect before its verdict. One instance per run, used by one thread.
 */
final class RunLoop {

    /**
     * How a run ended. {@code humanReview} when it must also go to the review topic; {@code suspension} when it did
     * not end but waits for a reviewer (status {@code SUSPENDED}).
     */
    record Ending(RunStatus status, String answer, String reason, boolean humanReview, String divertTarget,
            Suspension suspension) {
        Ending(RunStatus status, String answer, String reason, boolean humanReview) {
            this(status, answer, reason, humanReview, null, null);
        }

        Ending(RunStatus status, String answer, String reason, boolean humanReview, String divertTarget) {
            this(status, answer, reason, humanReview, divertTarget, null);
        }
    }

    /** A step waiting for a person: the action that runs if approved, why the validator asked, the review settings. */
    record Suspension(Action action, String reason, String policy, ReviewSettings settings) {
    }

    /**
     * What a run carries from loop to loop: the index of its next step, its proposals (model calls, retries included)
     * and its usage so far.
     */
    record Progress(int stepIndex, int proposals, Usage usage) {

        /** A run before its first step. */
        static final Progress START = new Progress(0, 0, Usage.NONE);

        /** The progress {@code checkpoint} records. */
        static Progress of(RunCheckpoint checkpoint) {
            return new Progress(checkpoint.stepIndex(), checkpoint.proposals(), checkpoint.usage());
        }

        /** This progress with one more step taken. */
        Progress nextStep() {
            return new Progress(stepIndex + 1, proposals, usage);
        }
    }

    /** What applying a verdict did to the step; {@code ending} is null when the run goes on. */
    private record Applied(StepOutcome outcome, String output, String error, long executionMicros, Ending ending) {
    }

    private final RunExecutor.Deps deps;
    private final RunScope scope;
    private final AgentDefinition agent;
    private final ModelClient model;
    private final Consumer<StepEvent> onStep;
    private Consumer<RunLoop> onCheckpoint = loop -> {
    };
    private Consumer<Action.ToolCall> onToolInFlight = call -> {
    };
    /** A side-effecting call the previous executor may have run before it stopped; see {@link #resumeFrom}. */
    private Action.ToolCall uncertainCall;
    private final List<ChatEntry> history = new ArrayList<>();
    private final List<String> toolOutputs = new ArrayList<>();
    private Usage usage = Usage.NONE;
    private int proposals;
    /** Model calls of this loop's agent: the scripted model replays by it; after a hand-over it starts at 0. */
    private int calls;
    private int stepIndex;
    private int retries;
    /** Where this loop's own budget starts: after steps of a workflow or a previous agent, its agent's limits are its own. */
    private int proposalsAtStart;
    private Usage usageAtStart = Usage.NONE;
    /** The output, or the error, of the last tool this loop ran (a workflow's tool step reads them). */
    private String lastOutput;
    private String lastError;

    RunLoop(RunExecutor.Deps deps, RunScope scope, AgentDefinition agent, ModelClient model, Consumer<StepEvent> onStep) {
        this.deps = deps;
        this.scope = scope;
        this.agent = agent;
        this.model = model;
        this.onStep = onStep;
        history.add(ChatEntry.user(scope.task().input()));
    }

    /** Continues from {@code checkpoint}: the steps it records are not proposed or run again. */
    RunLoop resumeFrom(RunCheckpoint checkpoint) {
        history.clear();
        history.addAll(checkpoint.history());
        toolOutputs.addAll(checkpoint.toolOutputs());
        usage = checkpoint.usage();
        proposals = checkpoint.proposals();
        calls = checkpoint.proposals();
        stepIndex = checkpoint.stepIndex();
        retries = checkpoint.retries();
        uncertainCall = checkpoint.toolInFlight();
        return this;
    }

    /**
     * Starts this loop inside a longer run (a workflow) at {@code progress}: its steps are numbered from there, its
     * budgets count from there, and the scripted model replays from its first call.
     */
    RunLoop startAt(Progress progress) {
        this.stepIndex = progress.stepIndex();
        this.proposals = progress.proposals();
        this.usage = progress.usage();
        this.calls = 0;
        this.proposalsAtStart = progress.proposals();
        this.usageAtStart = progress.usage();
        return this;
    }

    /** This loop's budgets count from {@code proposals} and {@code usage} (a resumed workflow step). */
    RunLoop budgetFrom(int proposals, Usage usage) {
        this.proposalsAtStart = proposals;
        this.usageAtStart = usage;
        this.calls = this.proposals - proposals;
        return this;
    }

    /**
     * Continues a run that {@code previous} handed over (a divert to this loop's agent): the step count,
     * usage and tool outputs go on; the new agent starts its own conversation from the task, with the
     * reason for the hand-over.
     */
    RunLoop continueAfter(RunLoop previous, String reason) {
        proposals = previous.proposals;
        stepIndex = previous.stepIndex + 1;
        usage = previous.usage;
        toolOutputs.addAll(previous.toolOutputs);
        history.add(ChatEntry.feedback("This task was handed over to you: " + reason));
        return this;
    }

    /** Called after every step that leaves the run going, once its step event is published. */
    RunLoop onCheckpoint(Consumer<RunLoop> callback) {
        this.onCheckpoint = callback;
        return this;
    }

    /**
     * Called with a validated call of a non-idempotent tool just before it runs; the callback records it so
     * that a crash during the call is not followed by a second call.
     */
    RunLoop onToolInFlight(Consumer<Action.ToolCall> callback) {
        this.onToolInFlight = callback;
        return this;
    }

    /** The run's state now, as a running checkpoint. */
    RunCheckpoint checkpoint() {
        return scope.checkpoint(progress(), retries, history, toolOutputs, deps.clock().instant());
    }

    /** Where the run is after this loop's steps so far. */
    Progress progress() {
        return new Progress(stepIndex, proposals, usage);
    }

    String lastOutput() {
        return lastOutput;
    }

    String lastError() {
        return lastError;
    }

    Ending run() {
        if (uncertainCall != null) {
            // At most once for tools that change the world: a person checks whether it happened.
            return new Ending(RunStatus.FAILED, "A person will check the state of your request and get back to you.",
                    "tool '" + uncertainCall.tool() + "' of step " + stepIndex + " was started before the executor stopped;"
                            + " it is not idempotent and whether it took effect is unknown, so it is not repeated",
                    true);
        }
        while (true) {
            Duration wall = agent.budget().maxWallTime();
            if (wall != null && Duration.between(scope.startedAt(), deps.clock().instant()).compareTo(wall) > 0) {
                return new Ending(RunStatus.BUDGET_EXCEEDED, "I could not finish this task in the time I have.",
                        "wall-time budget exhausted: run took more than " + wall.toMillis() + " ms", false);
            }
            if (proposals - proposalsAtStart >= agent.maxSteps()) {
                return new Ending(RunStatus.BUDGET_EXCEEDED, "I could not finish this task within my step budget.",
                        "step budget exhausted: maxSteps " + agent.maxSteps() + " reached", false);
            }
            Span span = deps.tracer().spanBuilder("RunLoop.step").startSpan();
            span.setAttribute("gen_ai.agent.name", agent.name());
            span.setAttribute("patinox.step.index", stepIndex);
            span.setAttribute("patinox.run.id", scope.runId());
            Ending ending;
            try (Scope ignored = span.makeCurrent()) {
                ending = step();
            } finally {
                span.end();
            }
            if (ending != null) {
                return ending;
            }
        }
    }

    private Ending step() {
        long t0 = System.nanoTime();
        ModelTurn turn;
        Span chat = deps.tracer().spanBuilder("chat " + model.ref().name()).setSpanKind(SpanKind.CLIENT).startSpan();
        chat.setAttribute("gen_ai.operation.name", "chat");
        chat.setAttribute("gen_ai.provider.name", model.ref().provider());
        chat.setAttribute("gen_ai.system", model.ref().provider());
        chat.setAttribute("gen_ai.request.model", model.ref().name());
        chat.setAttribute("gen_ai.agent.name", agent.name());
        chat.setAttribute("patinox.model.scripted", model.ref().scripted());
        try (Scope ignored = chat.makeCurrent()) {
            turn = model
                    .propose(new ModelRequest(agent.name(), agent.instructions(), agent.tools(), scope.task().input(), history,
                            calls));
            chat.setAttribute("gen_ai.usage.input_tokens", turn.usage().inputTokens());
            chat.setAttribute("gen_ai.usage.output_tokens", turn.usage().outputTokens());
        } catch (RuntimeException e) {
            chat.recordException(e);
            chat.setStatus(StatusCode.ERROR);
            return new Ending(RunStatus.FAILED, "Sorry, something went wrong and I could not finish this task.",
                    "model " + model.ref().provider() + "/" + model.ref().name() + " failed: " + e.getMessage(), false);
        } finally {
            chat.end();
        }
        long modelMicros = micros(t0);
        proposals++;
        calls++;
        return judge(turn.action(), turn.usage(), modelMicros);
    }

    /**
     * Asks for the verdict on {@code action} and applies it: a model's proposal, a workflow's tool call, or a
     * reviewer's edit. The step event is published, and a checkpoint taken when the run goes on.
     *
     * @return the ending, or null when the run goes on
     */
    Ending judge(Action action, Usage turnUsage, long modelMicros) {
        ValidationRequest request = new ValidationRequest(ValidationRequest.SCHEMA_VERSION, UUID.randomUUID().toString(),
                scope.task().taskId(), scope.runId(), stepIndex, agent.name(), scope.configVersion(), agent.policy(),
                action, new StepContext(scope.task().input(), toolOutputs, usage, retries, retrievedMemory()),
                deps.clock().instant());
        usage = usage.plus(turnUsage);
        Ending overBudget = overBudget();
        if (overBudget != null) {
            // The proposal is not validated or run: the budget ended the run before it could take effect.
            return overBudget;
        }

        long v0 = System.nanoTime();
        ValidationGateway.Answer answer = deps.gateway().ask(request, agent.stepDeadline());
        long validationMicros = micros(v0);
        ValidationGateway.Ruling ruling = answer.ruling(agent.failMode(), agent.policy());
        Verdict verdict = ruling.verdict();

        int index = stepIndex;
        Span.current().setAttribute("patinox.verdict", verdict.kind().name().toLowerCase(java.util.Locale.ROOT));
        Span.current().setAttribute("patinox.verdict.source", ruling.source().name());
        Applied applied = verdict.fold(
                allow -> perform(action),
                modify -> perform(modify.action()),
                this::retry,
                divert -> divert(divert, action),
                block -> new Applied(StepOutcome.BLOCKED, null, null, 0,
                        new Ending(RunStatus.BLOCKED, deps.safeAnswer(), block.reason(), false)));
        return record(index, action, ruling, applied, turnUsage, modelMicros, validationMicros);
    }

    /**
     * Applies a reviewer's decision on the step that waited for it ({@code pending}): approved, it runs as it is;
     * edited, the new action is validated again and runs only if allowed; rejected, the run ends with the reason.
     *
     * @return the ending, or null when the run goes on ({@link #run} continues it)
     */
    Ending decided(io.patinox.contracts.events.ReviewDecision decision, Action pending) {
        return switch (decision.decision()) {
            case REJECT -> new Ending(RunStatus.BLOCKED, "A reviewer declined this request: " + decision.reason(),
                    "rejected by " + decision.decidedBy() + ": " + decision.reason(), false);
            case EDIT -> judge(decision.action(), Usage.NONE, 0);
            case APPROVE -> {
                int index = stepIndex;
                Applied applied = perform(pending);
                yield record(index, pending, new ValidationGateway.Ruling(Verdict.allow(), VerdictSource.REVIEWER, List.of()),
                        applied, Usage.NONE, 0, 0);
            }
        };
    }

    /**
     * Records the step {@code index} that {@code applied} ended: its event is published and, when the run goes on, a
     * checkpoint taken.
     *
     * @return the step's ending, or null when the run goes on
     */
    private Ending record(int index, Action action, ValidationGateway.Ruling ruling, Applied applied, Usage turnUsage,
            long modelMicros, long validationMicros) {
        onStep.accept(new StepEvent(StepEvent.SCHEMA_VERSION, scope.task().taskId(), scope.runId(), index, agent.name(),
                scope.configVersion(), model.ref(), action, ruling.verdict(), ruling.source(), ruling.findings(),
                applied.outcome(),
                applied.output(), applied.error(), turnUsage, modelMicros, validationMicros, applied.executionMicros(),
                deps.clock().instant()));
        if (applied.ending() == null) {
            onCheckpoint.accept(this);
        }
        return applied.ending();
    }

    /**
     * The outputs of memory-reading tools in this run's history, oldest first: the model still sees them, so the
     * validators see them on every step ({@code StepContext.memory}). Read from the history, so a resumed run has them.
     */
    private List<String> retrievedMemory() {
        List<String> memory = new ArrayList<>();
        for (int i = 0; i + 1 < history.size(); i++) {
            ChatEntry entry = history.get(i);
            if (entry.role() == ChatEntry.Role.ASSISTANT && entry.action() instanceof Action.ToolCall call
                    && deps.tools().readsMemory(call.tool()) && history.get(i + 1).role() == ChatEntry.Role.TOOL) {
                memory.add(history.get(i + 1).text());
            }
        }
        return memory;
    }

    private Ending overBudget() {
        AgentDefinition.Budget budget = agent.budget();
        long tokens = usage.totalTokens() - usageAtStart.totalTokens();
        double cost = usage.costUsd() - usageAtStart.costUsd();
        if (budget.maxTokens() > 0 && tokens > budget.maxTokens()) {
            return new Ending(RunStatus.BUDGET_EXCEEDED, "I could not finish this task within my token budget.",
                    "token budget exhausted: " + tokens + " tokens > maxTokens " + budget.maxTokens(), false);
        }
        if (budget.maxCostUsd() > 0 && cost > budget.maxCostUsd()) {
            return new Ending(RunStatus.BUDGET_EXCEEDED, "I could not finish this task within my cost budget.",
                    String.format(java.util.Locale.ROOT, "cost budget exhausted: %.4f USD > maxCostUsd %.4f",
                            cost, budget.maxCostUsd()),
                    false);
        }
        return null;
    }

    private Applied perform(Action action) {
        if (action instanceof Action.FinalAnswer answer) {
            return new Applied(StepOutcome.EXECUTED, answer.answer(), null, 0,
                    new Ending(RunStatus.COMPLETED, answer.answer(), null, false));
        }
        Action.ToolCall call = (Action.ToolCall) action;
        lastOutput = null;
        lastError = null;
        if (!deps.tools().idempotent(call.tool())) {
            onToolInFlight.accept(call);
        }
        long t0 = System.nanoTime();
        history.add(ChatEntry.assistant(call));
        nextStep();
        Span span = deps.tracer().spanBuilder("execute_tool " + call.tool()).setSpanKind(SpanKind.INTERNAL).startSpan();
        span.setAttribute("gen_ai.operation.name", "execute_tool");
        span.setAttribute("gen_ai.tool.name", call.tool());
        span.setAttribute("gen_ai.agent.name", agent.name());
        try (Scope ignored = span.makeCurrent()) {
            String output = deps.tools().run(agent, scope.runId(), call.tool(), call.arguments());
            history.add(ChatEntry.tool(output));
            toolOutputs.add(output);
            lastOutput = output;
            return new Applied(StepOutcome.EXECUTED, output, null, micros(t0), null);
        } catch (ToolFailure e) {
            span.recordException(e);
            span.setStatus(StatusCode.ERROR, e.getMessage());
            // The model sees the error and may recover; maxSteps bounds a model that keeps failing.
            history.add(ChatEntry.tool("error: " + e.getMessage()));
            lastError = e.getMessage();
            return new Applied(StepOutcome.FAILED, null, e.getMessage(), micros(t0), null);
        } finally {
            span.end();
        }
    }

    private Applied retry(Verdict.Retry retry) {
        retries++;
        if (retries > agent.maxRetries()) {
            return new Applied(StepOutcome.RETRIED, null, null, 0, new Ending(RunStatus.BUDGET_EXCEEDED,
                    "I could not find an acceptable way to do this task.",
                    "retry budget exhausted: the validator sent step " + stepIndex + " back " + retries
                            + " times (maxRetries " + agent.maxRetries() + "); last feedback: " + retry.feedback(),
                    false));
        }
        history.add(ChatEntry.feedback(retry.feedback()));
        return new Applied(StepOutcome.RETRIED, null, null, 0, null);
    }

    private Applied divert(Verdict.Divert divert, Action action) {
        boolean human = Verdict.Divert.HUMAN_REVIEW.equals(divert.target());
        java.util.Optional<ReviewSettings> review = human ? deps.reviews().apply(agent.policy()) : java.util.Optional.empty();
        if (review.isPresent()) {
            // The policy lets the run wait for a person: nothing runs now; a decision resumes or ends it.
            return new Applied(StepOutcome.DIVERTED, null, null, 0, new Ending(RunStatus.SUSPENDED,
                    "A person will review your request and get back to you.", "waiting for human review: " + divert.reason(),
                    false, divert.target(), new Suspension(action, divert.reason(), agent.policy(), review.get())));
        }
        String answer = human ? "A person will review your request and get back to you."
                : "Your request was handed over to '" + divert.target() + "'.";
        return new Applied(StepOutcome.DIVERTED, null, null, 0,
                new Ending(RunStatus.DIVERTED, answer, "diverted to " + divert.target() + ": " + divert.reason(), human,
                        divert.target()));
    }

    private void nextStep() {
        stepIndex++;
        retries = 0;
    }

    private static long micros(long startNanos) {
        return (System.nanoTime() - startNanos) / 1000;
    }
}
