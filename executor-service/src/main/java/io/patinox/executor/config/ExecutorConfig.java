package io.patinox.executor.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The executor's own settings (prefix {@code patinox.executor}). Agents are not configured here: they are
 * YAML files in the config directory ({@code patinox.config.dir}).
 */
@ConfigMapping(prefix = "patinox.executor")
public interface ExecutorConfig {

    /** The step-verdict exchange with the validator service. */
    Validation validation();

    /** Publishing steps and results. */
    Publish publish();

    /** The OpenAI-compatible endpoint used by agents whose model is {@code openai/<model name>}. */
    OpenAi openai();

    /** The run journal (checkpoints and cross-restart idempotency). */
    Runs runs();

    /** Agents' long-term memory. */
    Memory memory();

    /**
     * API keys accepted by the REST front door ({@code X-API-Key: <key>} or {@code Authorization: Bearer <key>}),
     * comma-separated; env {@code PATINOX_API_KEYS}. With auth enabled and no key, every request gets 401.
     */
    Optional<List<String>> apiKeys();

    /** Authentication of the REST front door. */
    Auth auth();

    /** Size limits of what enters a run: task input and metadata, tool outputs fed back to the model. */
    Limits limits();

    /** Quotas per API key and per agent: requests per second, runs in progress, tokens and cost per day. */
    io.patinox.executor.admission.QuotaConfig quota();

    /**
     * How often the agents are checked for changes ({@link AgentRegistry}, by the scheduler); a changed, valid
     * config is loaded, an invalid one refused. Zero disables the check.
     */
    @WithDefault("10s")
    Duration configReloadInterval();

    /** The answer a user gets when a run is blocked; the reason goes to {@code RunResult.reason}. */
    @WithDefault("I can't help with that.")
    String safeAnswer();

    /** Settings of the validation gateway (the request-reply correlator). */
    interface Validation {
        /** Topic the step-verdict requests go to. */
        @WithDefault("patinox.validation.requests")
        String requestTopic();

        /** Topic the validator answers on; the gateway reads all of its partitions without a group. */
        @WithDefault("patinox.validation.replies")
        String replyTopic();

        /** How long the gateway may wait for a send to be acknowledged before it counts as failed. */
        @WithDefault("PT10S")
        Duration sendTimeout();

        /**
         * Where the validator answers the gateway's warm-up requests: at start the gateway asks one request per
         * partition of the request topic, answered here and not on the reply topic, so no other service sees them
         * (docs/adr/0021-warm-request-path.md).
         */
        @WithDefault("patinox.validation.warm-up")
        String warmUpTopic();

        /**
         * How long the gateway's warm-up may wait for the validator's answers before the executor reports ready
         * anyway (its first steps are then slower). Zero skips the round trip.
         */
        @WithDefault("PT60S")
        Duration warmUpTimeout();

        /**
         * Warm-up requests after each partition has answered one: enough that the gateway's path runs compiled code
         * before the first step.
         */
        @WithDefault("1000")
        int warmUpRequests();
    }

    /** Settings of the step and result producers. */
    interface Publish {
        /** How long a step or result send may take before it is logged as lost. */
        @WithDefault("PT10S")
        Duration sendTimeout();
    }

    /** Settings of the run journal on a compacted topic. */
    interface Runs {
        /** Whether runs are checkpointed; off, idempotency is per process and a crashed run restarts from scratch. */
        @WithDefault("true")
        boolean journal();

        /** The compacted topic of checkpoints, key taskId. */
        @WithDefault("patinox.runs")
        String topic();

        /** Whether the executor creates the topic at start when it is missing. */
        @WithDefault("true")
        boolean createTopic();

        /** Partitions when the executor creates the topic. */
        @WithDefault("4")
        int partitions();

        /** How long a finished task id is remembered (the topic's retention): the idempotency window. */
        @WithDefault("P7D")
        Duration retention();

        /** How long a run waits at start for the journal to be read before going on without it. */
        @WithDefault("PT30S")
        Duration loadTimeout();
    }

    /** Settings of the OpenAI-compatible model client (OpenAI, vLLM, llama.cpp server, Ollama's /v1). */
    interface OpenAi {
        /** Base URL of the API, ending in {@code /v1}; default and env {@code OPENAI_BASE_URL} in the properties. */
        String baseUrl();

        /** The API key; local servers accept any; default and env {@code OPENAI_API_KEY}: application.properties. */
        String apiKey();

        /** Timeout of one model call. */
        @WithDefault("PT60S")
        Duration timeout();

        /** Attempts per model call on 429, 5xx and timeouts, the first included. */
        @WithDefault("3")
        int maxAttempts();

        /** Wait before the first retry; doubled for each further one. */
        @WithDefault("PT0.5S")
        Duration initialBackoff();

        /**
         * Price of a million prompt tokens in USD, for the cost on events and the cost budget; default and env
         * ({@code OPENAI_INPUT_COST_PER_MILLION}) in application.properties.
         */
        double inputCostPerMillion();

        /** Price of a million completion tokens in USD; env {@code OPENAI_OUTPUT_COST_PER_MILLION}. */
        double outputCostPerMillion();
    }

    /** Settings of the agents' long-term memory (a Lance dataset). */
    interface Memory {
        /** Directory of the memory dataset (env {@code PATINOX_EXECUTOR_MEMORY_DIR}). */
        @WithDefault(".patinox/executor-memory")
        String dir();

        /** Whether completed runs of agents that may call {@code memory_search} are remembered. */
        @WithDefault("true")
        boolean rememberRuns();
    }

    /**
     * Size limits, a policy of ours kept well below the broker's record limit (1 MiB by default, producer
     * {@code max.request.size} and broker {@code message.max.bytes}): a task, its checkpoints and its validation
     * requests carry the input, and JSON may write a character as six bytes ({@code \u0000}). The executor refuses to
     * start when input and metadata together could not be published.
     */
    interface Limits {
        /**
         * Largest task input, in UTF-8 bytes. Over it: {@code POST /tasks} answers 413 naming the limit and publishes
         * nothing; a task arriving over Kafka is dead-lettered with the reason.
         */
        @WithDefault("65536")
        int maxInputBytes();

        /** Largest task metadata, keys and values together, in UTF-8 bytes; enforced like the input. */
        @WithDefault("4096")
        int maxMetadataBytes();

        /**
         * Longest tool output fed back to the model and the validators, in characters. A longer output is
         * truncated to this many characters with a note saying so; the step still counts as executed (its
         * {@code StepEvent.output} is what the model saw).
         */
        @WithDefault("16384")
        int maxToolOutputChars();
    }

    /** Authentication of the REST front door (health, metrics and OpenAPI stay open). */
    interface Auth {
        /** Whether {@code /tasks} and {@code /runs} require an API key; on by default, off in dev and test. */
        @WithDefault("true")
        boolean enabled();
    }
}
