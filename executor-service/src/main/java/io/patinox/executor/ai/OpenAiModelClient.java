package io.patinox.executor.ai;

import com.fasterxml.jackson.core.type.TypeReference;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.TokenUsage;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.ModelRef;
import io.patinox.contracts.events.Usage;
import io.patinox.contracts.json.Json;
import io.patinox.executor.tools.Tool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A model behind an OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, llama.cpp server, Ollama's
 * {@code /v1}), through langchain4j's chat model as quarkus-langchain4j provides it. The agent's allowed
 * tools are offered as functions; a tool call becomes a {@code ToolCall} action, text a {@code FinalAnswer}.
 * Transient errors (429, 5xx, timeouts) are retried with backoff ({@link ModelRetry}).
 */
public final class OpenAiModelClient implements ModelClient {

    /** The provider name of this client on events. */
    public static final String PROVIDER = "openai";

    private static final TypeReference<Map<String, Object>> ARGS = new TypeReference<>() {
    };

    private final ChatModel model;
    private final ModelRef ref;
    private final Function<String, Tool> tools;
    private final ModelRetry retry;
    private final double inputCostPerMillion;
    private final double outputCostPerMillion;

    /**
     * @param model the langchain4j chat model (built for one model name)
     * @param modelName the model's name, for events
     * @param tools finds a registered tool by name (null when unknown)
     * @param retry how transient failures are retried
     * @param inputCostPerMillion price of a million prompt tokens, USD
     * @param outputCostPerMillion price of a million completion tokens, USD
     */
    public OpenAiModelClient(ChatModel model, String modelName, Function<String, Tool> tools, ModelRetry retry,
            double inputCostPerMillion, double outputCostPerMillion) {
        this.model = Objects.requireNonNull(model, "model");
        this.ref = new ModelRef(PROVIDER, modelName, false);
        this.tools = tools;
        this.retry = retry;
        this.inputCostPerMillion = inputCostPerMillion;
        this.outputCostPerMillion = outputCostPerMillion;
    }

    @Override
    public ModelRef ref() {
        return ref;
    }

    @Override
    public ModelTurn propose(ModelRequest request) {
        ChatRequest.Builder chat = ChatRequest.builder().messages(messages(request));
        List<ToolSpecification> specs = specifications(request.tools());
        if (!specs.isEmpty()) {
            chat.toolSpecifications(specs);
        }
        ChatRequest built = chat.build();
        ChatResponse response = retry.call(() -> model.chat(built));
        AiMessage ai = response.aiMessage();
        Action action;
        if (ai.hasToolExecutionRequests()) {
            // One action per step: the first call; the model is asked again after it ran.
            ToolExecutionRequest call = ai.toolExecutionRequests().get(0);
            action = new Action.ToolCall(call.name(), arguments(call.arguments()));
        } else {
            action = new Action.FinalAnswer(ai.text() == null ? "" : ai.text());
        }
        return new ModelTurn(action, usage(response.tokenUsage()));
    }

    private Usage usage(TokenUsage tokens) {
        if (tokens == null) {
            return Usage.NONE;
        }
        long in = tokens.inputTokenCount() == null ? 0 : tokens.inputTokenCount();
        long out = tokens.outputTokenCount() == null ? 0 : tokens.outputTokenCount();
        return new Usage(in, out, (in * inputCostPerMillion + out * outputCostPerMillion) / 1_000_000.0);
    }

    private static Map<String, Object> arguments(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return Json.mapper().readValue(json, ARGS);
        } catch (Exception e) {
            throw new ModelFailure("the model's tool arguments are not a JSON object: " + json, e);
        }
    }

    static List<ChatMessage> messages(ModelRequest request) {
        List<ChatMessage> messages = new ArrayList<>();
        if (!request.instructions().isBlank()) {
            messages.add(SystemMessage.from(request.instructions()));
        }
        String pendingCallId = null;
        String pendingTool = null;
        List<ChatEntry> history = request.history();
        for (int i = 0; i < history.size(); i++) {
            ChatEntry entry = history.get(i);
            switch (entry.role()) {
                case USER -> messages.add(UserMessage.from(entry.text()));
                case ASSISTANT -> {
                    if (entry.action() instanceof Action.ToolCall call) {
                        pendingCallId = "call_" + i;
                        pendingTool = call.tool();
                        messages.add(AiMessage.from(ToolExecutionRequest.builder().id(pendingCallId).name(call.tool())
                                .arguments(Json.encodeToString(call.arguments())).build()));
                    } else {
                        messages.add(AiMessage.from(entry.text()));
                    }
                }
                case TOOL -> messages.add(pendingCallId == null ? UserMessage.from("Tool output: " + entry.text())
                        : ToolExecutionResultMessage.from(pendingCallId, pendingTool, entry.text()));
                case FEEDBACK -> messages.add(UserMessage.from("A reviewer did not accept your last proposal: "
                        + entry.text() + "\nPropose a different next step."));
            }
        }
        return messages;
    }

    private List<ToolSpecification> specifications(List<String> allowed) {
        List<ToolSpecification> specs = new ArrayList<>();
        for (String name : allowed) {
            Tool tool = tools.apply(name);
            if (tool == null) {
                continue;
            }
            JsonObjectSchema.Builder params = JsonObjectSchema.builder();
            List<String> required = new ArrayList<>();
            for (Tool.Parameter p : tool.parameters()) {
                switch (p.type()) {
                    case "number" -> params.addNumberProperty(p.name(), p.description());
                    case "integer" -> params.addIntegerProperty(p.name(), p.description());
                    case "boolean" -> params.addBooleanProperty(p.name(), p.description());
                    default -> params.addStringProperty(p.name(), p.description());
                }
                if (p.required()) {
                    required.add(p.name());
                }
            }
            params.required(required);
            specs.add(ToolSpecification.builder().name(tool.name()).description(tool.description()).parameters(params.build())
                    .build());
        }
        return specs;
    }
}
