package io.patinox.evolution.ai;

import dev.langchain4j.http.client.jdk.JdkHttpClient;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.output.OutputParsingException;
import io.patinox.evolution.config.EvolutionConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.util.Optional;

/**
 * Drafts a change to an agent with a model behind an OpenAI-compatible endpoint: plain langchain4j's
 * {@code AiServices} over {@code OpenAiChatModel} on the JDK's HTTP client, as the validator's judges call their
 * models (docs/adr/0015-model-drafted-proposals.md). The answer is an {@link AgentPatch} (structured output). An
 * answer that is not one is {@link Result.Unparsable}; a call that fails or times out is {@link Result.Failed}, and
 * the caller falls back to the rule-based draft. No retry: the next aggregate asks again.
 */
public final class ModelAgentDrafter {

    /** What one drafting call gave. */
    public sealed interface Result {
        /** A patch, still to be checked. */
        record Patched(AgentPatch patch) implements Result {
        }

        /** The model answered, but not with a patch. */
        record Unparsable(String reason) implements Result {
        }

        /** The call failed (timeout, HTTP error, refused connection). */
        record Failed(String reason) implements Result {
        }
    }

    private final AgentReviser reviser;
    private final String name;

    private ModelAgentDrafter(AgentReviser reviser, String name) {
        this.reviser = reviser;
        this.name = name;
    }

    /** The drafter the settings name; empty without a base URL. Building it contacts nobody. */
    public static Optional<ModelAgentDrafter> of(EvolutionConfig.Drafter settings) {
        if (settings.baseUrl().isEmpty()) {
            return Optional.empty();
        }
        OpenAiChatModel.OpenAiChatModelBuilder model = OpenAiChatModel.builder()
                // HTTP/1.1: local OpenAI-compatible servers (llama.cpp, Ollama, vLLM) speak it; no h2c upgrade.
                .httpClientBuilder(JdkHttpClient.builder()
                        .httpClientBuilder(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)))
                .baseUrl(settings.baseUrl().get())
                .apiKey(settings.apiKey().orElse("none"))
                .modelName(settings.model())
                .timeout(settings.timeout())
                .temperature(0.0)
                .maxRetries(0);
        if (settings.jsonSchema()) {
            // Not strict: OpenAI's strict mode wants every field required, and AgentPatches checks the answer anyway.
            model.supportedCapabilities(Capability.RESPONSE_FORMAT_JSON_SCHEMA).strictJsonSchema(false);
        }
        AgentReviser reviser = AiServices.builder(AgentReviser.class).chatModel(model.build()).build();
        return Optional.of(new ModelAgentDrafter(reviser, "openai/" + settings.model() + " at "
                + host(settings.baseUrl().get())));
    }

    /** How proposals name this drafter: {@code openai/<model> at <host>}. */
    public String name() {
        return name;
    }

    /** Asks the model for a patch. */
    public Result draft(DraftingBrief brief) {
        try {
            AgentPatch patch = reviser.propose(brief.render());
            return patch == null ? new Result.Unparsable("the model gave an empty answer") : new Result.Patched(patch);
        } catch (OutputParsingException e) {
            // Never quoted: the answer may repeat the exemplars.
            return new Result.Unparsable("the model's answer is not an agent patch (" + e.getClass().getSimpleName()
                    + ")");
        } catch (RuntimeException e) {
            return new Result.Failed(describe(e));
        }
    }

    /** The failure by type along the cause chain (a timeout says so), never the endpoint's body. */
    static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof dev.langchain4j.exception.HttpException http) {
                return "the model answered HTTP " + http.statusCode();
            }
            if (t instanceof java.net.http.HttpTimeoutException || t instanceof java.util.concurrent.TimeoutException
                    || t instanceof java.net.SocketTimeoutException
                    || t instanceof dev.langchain4j.exception.TimeoutException) {
                return "the model did not answer in time (" + t.getClass().getSimpleName() + ")";
            }
            if (t instanceof java.net.ConnectException) {
                return "the model endpoint refused the connection";
            }
        }
        return "the model call failed (" + failure.getClass().getSimpleName() + ")";
    }

    private static String host(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getHost() == null ? url : uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort());
        } catch (IllegalArgumentException e) {
            return url;
        }
    }
}
