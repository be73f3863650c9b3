package io.patinox.validator.ai;

import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import io.patinox.contracts.validation.Validator;
import io.patinox.validator.builtin.NamedValidator;
import io.patinox.validator.builtin.Params;
import io.patinox.validator.builtin.TypedFactory;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A validator that asks a language model for a structured verdict. Costly (a remote call): policies run it
 * last and on a worker thread whose time limit ({@code timeoutMs} of the policy entry) cuts it short; a failed
 * call or an answer that is not the asked-for JSON throws a {@link JudgeFailure}, so the chain records what
 * happened and applies the policy's fail mode. Judges are not warmed up at start (that would call the model).
 */
public abstract class LlmJudge extends NamedValidator {

    /** Ordering cost of a model call: after every in-process validator. */
    public static final int COST = 500_000;

    private final JudgeSettings settings;
    protected final int maxChars;
    protected final double threshold;

    /**
     * @param settings the endpoint and model. The client is built here, when the policy loads, so that the first
     *        call does not pay for it within its time limit (the HTTP client and its classes take up to a
     *        second on a busy machine); building contacts nobody. A client that cannot be built does not
     *        stop the policy from loading: every call then fails with the reason.
     * @param maxChars how much of one text a question quotes
     * @param threshold the score at which the judge acts
     */
    protected LlmJudge(String name, JudgeSettings settings, int maxChars, double threshold) {
        super(name, COST);
        this.settings = settings;
        this.maxChars = maxChars;
        this.threshold = threshold;
        try {
            JudgeModels.forSettings(settings);
        } catch (RuntimeException e) {
            // reported by model() on each call
        }
    }

    private ChatModel model() {
        try {
            return JudgeModels.forSettings(settings);
        } catch (RuntimeException e) {
            // e.g. a base URL that is not a URL: the finding says so and the policy's fail mode applies.
            throw new JudgeFailure("the judge model client cannot be built (" + e.getClass().getSimpleName() + ": "
                    + abbreviate(String.valueOf(e.getMessage()), 120) + ")", e);
        }
    }

    /** Asks the model and parses its answer. */
    protected JudgeAnswer ask(String instructions, String question) {
        ChatRequest request = ChatRequest.builder()
                .messages(SystemMessage.from(instructions), UserMessage.from(question))
                .build();
        ChatModel model = model();
        ChatResponse response;
        try {
            response = model.chat(request);
        } catch (RuntimeException e) {
            for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof HttpException http) {
                    throw new JudgeFailure("the judge model answered HTTP " + http.statusCode(), e);
                }
            }
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new JudgeFailure("the judge model call was interrupted", e);
            }
            throw new JudgeFailure("the judge model call failed: " + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + abbreviate(root.getMessage(), 160)), e);
        }
        String text = response == null || response.aiMessage() == null ? null : response.aiMessage().text();
        return JudgeAnswer.parse(text);
    }

    /**
     * Untrusted text framed as data: the judge reads it, but must not follow it. Cut to {@code maxChars}
     * (head and tail kept: injected instructions hide at either end).
     */
    protected String quoted(String label, String text) {
        String body = text;
        if (text.length() > maxChars) {
            int half = maxChars / 2;
            body = text.substring(0, half) + "\n[… " + (text.length() - maxChars) + " characters left out …]\n"
                    + text.substring(text.length() - half);
        }
        return "<<<" + label + "\n" + body + "\n" + label + ">>>\n";
    }

    /**
     * Creates judges of one type against the endpoint of the settings. Every judge takes {@code model} (default: the
     * settings' model), {@code threshold} and {@code maxChars}; a type adds its own parameters.
     */
    abstract static class JudgeFactory extends TypedFactory {
        private final JudgeSettings settings;
        private final double threshold;
        private final int maxChars;
        private final String[] known;

        /**
         * @param threshold the default {@code threshold}
         * @param maxChars the default {@code maxChars}
         * @param own the type's own parameters
         */
        JudgeFactory(String type, JudgeSettings settings, double threshold, int maxChars, String... own) {
            super(type);
            this.settings = settings;
            this.threshold = threshold;
            this.maxChars = maxChars;
            this.known = Stream.of(Stream.of("model", "threshold"), Stream.of(own), Stream.of("maxChars"))
                    .flatMap(s -> s).toArray(String[]::new);
        }

        @Override
        public Validator create(String name, Map<String, Object> raw) {
            Params params = Params.of(raw).allowOnly(known);
            double threshold = params.threshold(this.threshold);
            int maxChars = params.maxChars(this.maxChars);
            return create(name, params, settings.withModel(params.string("model", settings.model())), threshold,
                    maxChars);
        }

        /** A judge of this type, reading the type's own parameters from {@code params}. */
        abstract Validator create(String name, Params params, JudgeSettings model, double threshold, int maxChars);
    }

    static String abbreviate(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
