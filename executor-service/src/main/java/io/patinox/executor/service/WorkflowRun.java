package io.patinox.executor.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.RunStatus;
import io.patinox.contracts.events.StepEvent;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.json.Json;
import io.patinox.executor.ai.ModelClient;
import io.patinox.executor.ai.ModelRequest;
import io.patinox.executor.ai.ModelTurn;
import io.patinox.executor.config.AgentDefinition;
import io.patinox.executor.service.RunCheckpoint.DoneStep;
import io.patinox.executor.service.RunCheckpoint.PendingReview;
import io.patinox.executor.service.RunCheckpoint.WorkflowProgress;
import io.patinox.executor.workflow.Expressions;
import io.patinox.executor.workflow.WorkflowDefinition;
import io.patinox.executor.workflow.WorkflowStep;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One run of a workflow, durable by replay: the definition is walked from the start every time, and a step whose
 * path is recorded as done in the checkpoint gives its recorded output instead of running again; so branches and
 * loops decide the same way, and a resumed run goes on at the step it was on. Agent steps are agent runs
 * ({@link RunLoop}, every step validated); a tool step is one validated call ({@link RunLoop#judge}) of the tool with
 * its evaluated arguments, under the workflow's policy. Parallel branches start from the same state and join by
 * name; they run one after another on the run's thread, so step numbers, checkpoints and the scripted model's
 * replay stay deterministic. One instance per run, one thread.
 */
final class WorkflowRun {

    /** What a workflow run needs beyond a run loop's dependencies. */
    record Env(Function<String, Optional<AgentDefinition>> agents, Function<AgentDefinition, ModelClient> models,
            Function<String, Optional<WorkflowDefinition>> workflows, Consumer<RunCheckpoint> save,
            Consumer<StepEvent> onStep) {
    }

    /** Ends the walk with the run's ending. */
    private static final class Stop extends RuntimeException {
        final RunLoop.Ending ending;

        Stop(RunLoop.Ending ending) {
            super(ending.reason(), null, false, false);
            this.ending = ending;
        }
    }

    private final RunExecutor.Deps deps;
    private final Env env;
    private final RunScope runScope;
    private final WorkflowDefinition root;
    private final Map<String, DoneStep> done = new LinkedHashMap<>();
    /** The checkpoint to resume the step in progress from, until that step is reached; then null. */
    private RunCheckpoint resume;
    private String active;
    private int activeProposals;
    private Usage activeUsage = Usage.NONE;
    private RunLoop.Progress progress = RunLoop.Progress.START;
    private String lastVerdict;
    private ModelRef lastModel;
    private RunCheckpoint suspended;

    WorkflowRun(RunExecutor.Deps deps, Env env, RunScope runScope, WorkflowDefinition root, RunCheckpoint resume) {
        this.deps = deps;
        this.env = env;
        this.runScope = runScope;
        this.root = root;
        if (resume != null && resume.workflow() != null) {
            done.putAll(resume.workflow().done());
            progress = RunLoop.Progress.of(resume);
            this.resume = resume.workflow().active() != null ? resume : null;
        }
    }

    /** Runs (or resumes) the workflow to its ending; a suspension's checkpoint is then {@link #suspendedCheckpoint()}. */
    RunLoop.Ending run() {
        try {
            JsonNode input = input(root, runScope.task().input());
            Expressions.Scope scope = new Expressions.Scope(input, new HashMap<>(), new HashMap<>());
            JsonNode out = sequence(root, "", root.steps(), scope);
            JsonNode answer = root.output() != null ? Expressions.value(root.output(), scope) : out;
            return new RunLoop.Ending(RunStatus.COMPLETED, Expressions.text(answer), null, false);
        } catch (Stop s) {
            return s.ending;
        }
    }

    /** The checkpoint of a suspended run, after {@link #run()} ended {@code SUSPENDED}. */
    RunCheckpoint suspendedCheckpoint() {
        return suspended;
    }

    /** Where the run is: its steps, proposals and usage so far. */
    RunLoop.Progress progress() {
        return progress;
    }

    /** The model of the last agent step, or the workflow's own for a workflow of tool steps only. */
    ModelRef model() {
        return lastModel != null ? lastModel : workflowModel(root).ref();
    }

    private JsonNode sequence(WorkflowDefinition wf, String prefix, List<WorkflowStep> steps, Expressions.Scope scope) {
        JsonNode last = MissingNode.getInstance();
        for (WorkflowStep step : steps) {
            last = step(wf, prefix + step.id(), step, scope);
        }
        return last;
    }

    private JsonNode step(WorkflowDefinition wf, String path, WorkflowStep step, Expressions.Scope scope) {
        DoneStep recorded = done.get(path);
        JsonNode out;
        if (recorded != null) {
            out = recorded.output();
            if (recorded.verdict() != null) {
                scope.verdicts().put(step.id(), recorded.verdict());
            }
        } else if (step instanceof WorkflowStep.Agent a) {
            out = agentStep(path, a, scope);
        } else if (step instanceof WorkflowStep.Tool t) {
            out = toolStep(wf, path, t, scope);
        } else if (step instanceof WorkflowStep.Nested n) {
            WorkflowDefinition sub = env.workflows().apply(n.workflow()).orElseThrow(() -> new Stop(failed(
                    "step '" + path + "' names workflow '" + n.workflow() + "', which the config no longer has")));
            JsonNode subInput = input(sub, Expressions.value(n.input(), scope));
            Expressions.Scope inner = new Expressions.Scope(subInput, new HashMap<>(), new HashMap<>());
            JsonNode last = sequence(sub, path + "/", sub.steps(), inner);
            out = sub.output() != null ? Expressions.value(sub.output(), inner) : last;
        } else if (step instanceof WorkflowStep.Branch b) {
            out = sequence(wf, path + "/", b.when().test(scope) ? b.then() : b.otherwise(), scope);
        } else if (step instanceof WorkflowStep.Parallel p) {
            ObjectNode joined = JsonNodeFactory.instance.objectNode();
            p.branches().forEach((name, steps) -> joined.set(name, sequence(wf, path + "/" + name + "/", steps, scope)));
            out = joined;
        } else if (step instanceof WorkflowStep.Loop l) {
            out = MissingNode.getInstance();
            for (int i = 1; i <= l.max(); i++) {
                out = sequence(wf, path + "#" + i + "/", l.body(), scope);
                if (l.until().test(scope)) {
                    break;
                }
            }
        } else {
            WorkflowStep.Supervisor s = (WorkflowStep.Supervisor) step;
            out = supervisorStep(path, s, scope);
        }
        scope.outputs().put(step.id(), out);
        return out;
    }

    private JsonNode agentStep(String path, WorkflowStep.Agent step, Expressions.Scope scope) {
        AgentDefinition agent = env.agents().apply(step.agent()).orElseThrow(() -> new Stop(failed(
                "step '" + path + "' names agent '" + step.agent() + "', which the config no longer has")));
        ModelClient model;
        try {
            model = env.models().apply(agent);
        } catch (RuntimeException e) {
            throw new Stop(failed("no model for agent '" + agent.name() + "': " + e.getMessage()));
        }
        lastModel = model.ref();
        String input = Expressions.render(step.input(), scope);
        RunLoop.Ending ending = runLoop(path, agent, model, input, RunLoop::run);
        JsonNode out = ending.answer() == null ? MissingNode.getInstance() : TextNode.valueOf(ending.answer());
        if (step.outputSchema() != null) {
            out = json(ending.answer(), "the answer of step '" + path + "'");
            checkSchema(step.outputSchema(), out, "the answer of step '" + path + "'");
        }
        progress = progress.nextStep();
        finish(path, out);
        return out;
    }

    private JsonNode toolStep(WorkflowDefinition wf, String path, WorkflowStep.Tool step, Expressions.Scope scope) {
        Action.ToolCall call = new Action.ToolCall(step.tool(), Expressions.arguments(step.arguments(), scope));
        AgentDefinition agent = toolAgent(wf, step.tool());
        RunLoop.Ending ending = runLoop(path, agent, workflowModel(wf), runScope.task().input(), loop -> {
            RunLoop.Ending e = loop.judge(call, Usage.NONE, 0);
            if (e == null && loop.lastError() != null) {
                return failed("tool step '" + path + "' failed: " + loop.lastError());
            }
            return e;
        });
        if (ending != null) {
            throw new Stop(ending);
        }
        return done.get(path).output();
    }

    /**
     * Runs {@code body} on a loop for {@code agent} at {@code path}: a new one, or the one the checkpoint describes
     * (with a reviewer's decision applied first). A completed agent loop returns its ending; any other ending stops
     * the walk. A tool step's loop returns null when its call ran; its output is then recorded.
     */
    private RunLoop.Ending runLoop(String path, AgentDefinition agent, ModelClient model, String input,
            Function<RunLoop, RunLoop.Ending> body) {
        if (progress.stepIndex() >= root.maxSteps()) {
            throw new Stop(new RunLoop.Ending(RunStatus.BUDGET_EXCEEDED, "I could not finish this task within my step budget.",
                    "step budget exhausted: workflow maxSteps " + root.maxSteps() + " reached", false));
        }
        TaskSubmitted task = runScope.task();
        TaskSubmitted stepTask = new TaskSubmitted(TaskSubmitted.SCHEMA_VERSION, task.taskId(), agent.name(), input,
                task.metadata(), task.occurredAt());
        RunLoop loop = new RunLoop(deps, runScope.forTask(stepTask), agent, model, this::onStep);
        boolean tool = model.ref().provider().equals(WORKFLOW_PROVIDER);
        RunCheckpoint from = resume != null && path.equals(resume.workflow().active()) ? resume : null;
        resume = null;
        active = path;
        if (from != null) {
            loop.resumeFrom(from).budgetFrom(from.workflow().activeProposals(), from.workflow().activeUsage());
            activeProposals = from.workflow().activeProposals();
            activeUsage = from.workflow().activeUsage();
        } else {
            activeProposals = progress.proposals();
            activeUsage = progress.usage();
            loop.startAt(progress);
        }
        loop.onCheckpoint(l -> {
            if (tool && l.lastError() == null && l.lastOutput() != null) {
                record(path, Expressions.output(l.lastOutput()), l);
            } else {
                env.save().accept(checkpoint(l));
            }
        }).onToolInFlight(call -> env.save().accept(checkpoint(loop).withToolInFlight(call, deps.clock().instant())));
        RunLoop.Ending ending;
        if (from != null && from.toolInFlight() != null && tool) {
            ending = new RunLoop.Ending(RunStatus.FAILED, "A person will check the state of your request and get back to you.",
                    "tool '" + from.toolInFlight().tool() + "' of step '" + path + "' was started before the executor stopped;"
                            + " it is not idempotent and whether it took effect is unknown, so it is not repeated",
                    true);
        } else if (from != null && from.review() != null && from.review().decision() != null) {
            ending = loop.decided(from.review().decision(), from.review().action());
            if (ending == null && !tool) {
                ending = loop.run();
            } else if (ending == null && loop.lastError() != null) {
                ending = failed("tool step '" + path + "' failed: " + loop.lastError());
            }
        } else {
            ending = body.apply(loop);
        }
        progress = loop.progress();
        if (ending != null && ending.status() == RunStatus.SUSPENDED) {
            RunLoop.Suspension s = ending.suspension();
            suspended = checkpoint(loop).suspended(new PendingReview(UUID.randomUUID().toString(), path, agent.name(),
                    s.policy(), progress.stepIndex(), s.action(), s.reason(),
                    deps.clock().instant().plus(s.settings().timeout()),
                    s.settings().onTimeout(), null));
            throw new Stop(ending);
        }
        if (ending != null && ending.status() != RunStatus.COMPLETED) {
            throw new Stop(ending);
        }
        return ending;
    }

    /** Records a finished step and checkpoints the run between steps. */
    private void record(String path, JsonNode output, RunLoop loop) {
        progress = loop.progress();
        finish(path, output);
    }

    private void finish(String path, JsonNode output) {
        done.put(path, new DoneStep(output, lastVerdict));
        active = null;
        env.save().accept(runScope.checkpoint(progress, 0, List.of(), List.of(), deps.clock().instant())
                .inWorkflow(runScope.task(), workflowProgress()));
    }

    /** The workflow's state with {@code loop}'s inside the step in progress. */
    private RunCheckpoint checkpoint(RunLoop loop) {
        return loop.checkpoint().inWorkflow(runScope.task(), workflowProgress());
    }

    private WorkflowProgress workflowProgress() {
        return new WorkflowProgress(done, active, activeProposals, activeUsage);
    }

    private void onStep(StepEvent step) {
        lastVerdict = step.verdict().kind().name().toLowerCase(Locale.ROOT);
        env.onStep().accept(step);
    }

    private JsonNode supervisorStep(String path, WorkflowStep.Supervisor step, Expressions.Scope scope) {
        throw new Stop(
                failed("step '" + path + "': supervisor steps are checked at load time but not run by this executor yet"));
    }

    /** The input of {@code wf}: JSON checked against its input schema when it has one, else the text. */
    private static JsonNode input(WorkflowDefinition wf, String text) {
        if (wf.inputSchema() == null) {
            return TextNode.valueOf(text);
        }
        JsonNode node = json(text, "the input of workflow '" + wf.name() + "'");
        checkSchema(wf.inputSchema(), node, "the input of workflow '" + wf.name() + "'");
        return node;
    }

    private static JsonNode input(WorkflowDefinition wf, JsonNode value) {
        if (wf.inputSchema() != null && value.isTextual()) {
            return input(wf, value.textValue());
        }
        if (wf.inputSchema() != null) {
            checkSchema(wf.inputSchema(), value, "the input of workflow '" + wf.name() + "'");
        }
        return value;
    }

    private static JsonNode json(String text, String what) {
        try {
            return Json.mapper().readTree(text == null ? "" : text.trim());
        } catch (java.io.IOException | RuntimeException e) {
            throw new Stop(failed(what + " is not JSON"));
        }
    }

    private static void checkSchema(JsonNode schema, JsonNode value, String what) {
        var problems = com.networknt.schema.JsonSchemaFactory.getInstance(com.networknt.schema.SpecVersion.VersionFlag.V202012)
                .getSchema(schema).validate(value);
        if (!problems.isEmpty()) {
            throw new Stop(failed(what + " does not match its schema: " + problems.stream()
                    .map(m -> m.getMessage()).sorted().collect(java.util.stream.Collectors.joining("; "))));
        }
    }

    private static RunLoop.Ending failed(String reason) {
        return new RunLoop.Ending(RunStatus.FAILED, "Sorry, something went wrong and I could not finish this task.", reason,
                false);
    }

    /** The provider name on the step events of tool steps: the workflow proposed the call, not a model. */
    static final String WORKFLOW_PROVIDER = "workflow";

    private static ModelClient workflowModel(WorkflowDefinition wf) {
        return new NoModel(new ModelRef(WORKFLOW_PROVIDER, wf.name(), false));
    }

    /** The model of a workflow's tool steps: it names the workflow on their step events and is never asked. */
    private record NoModel(ModelRef ref) implements ModelClient {
        @Override
        public ModelTurn propose(ModelRequest request) {
            throw new IllegalStateException("a workflow's tool step has no model");
        }
    }

    /** Who a tool step runs as: the workflow, allowed that one tool, under the workflow's policy and deadline. */
    private static AgentDefinition toolAgent(WorkflowDefinition wf, String tool) {
        return new AgentDefinition(wf.name(), WORKFLOW_PROVIDER + "/" + wf.name(), "", List.of(tool), Integer.MAX_VALUE,
                wf.stepDeadline(), wf.policy(), wf.failMode(), 0, new AgentDefinition.Budget(0, 0, (Duration) null), List.of(),
                wf.source());
    }
}
