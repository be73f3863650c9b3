package io.patinox.contracts.topics;

import java.util.List;

/**
 * Every Kafka topic of the mesh, in one place. Services, tests, the launcher and the Kubernetes
 * manifests all take their names from here.
 */
public final class Topics {

    /** Prefix shared by every topic of the mesh. */
    public static final String PREFIX = "patinox.";

    /** Tasks from clients. Key: task id. Value: {@code TaskSubmitted}. */
    public static final String TASKS = "patinox.tasks";
    /** Step verdict requests from the executor. Key: run id. Value: {@code ValidationRequest}. */
    public static final String VALIDATION_REQUESTS = "patinox.validation.requests";
    /** Verdicts from the validator. Key: run id. Value: {@code ValidationReply}. */
    public static final String VALIDATION_REPLIES = "patinox.validation.replies";
    /**
     * Where a validator answers the requests it sends itself at start to warm its Kafka path ({@link
     * ReplyHeaders#WARM_UP}). Nothing reads it: the replies only have to be written. Key: run id. Value:
     * {@code ValidationReply}.
     */
    public static final String VALIDATION_WARM_UP = "patinox.validation.warm-up";
    /** Every step the executor took or refused. Key: run id. Value: {@code StepEvent}. */
    public static final String STEPS = "patinox.steps";
    /** The end of every run. Key: task id. Value: {@code RunResult}. */
    public static final String RESULTS = "patinox.results";
    /** Windowed telemetry (compacted). Key: subject. Value: {@code TelemetryAggregate}. */
    public static final String AGGREGATES = "patinox.aggregates";
    /** Improvement proposals and their fate. Key: proposal id. Value: {@code EvolutionProposal}. */
    public static final String PROPOSALS = "patinox.proposals";
    /**
     * Runs that ended for a person to check, with nothing left to decide: a human-review divert under a policy
     * without review settings, a side-effecting tool lost in a crash. Key: task id. Value: {@code RunResult}.
     */
    public static final String REVIEW = "patinox.review";
    /**
     * Runs waiting for a person's decision: a step diverted to human review suspended them. Key: review id.
     * Value: {@code ReviewRequest}; the decision comes on {@link #REVIEW_DECISIONS}.
     */
    public static final String REVIEW_REQUESTS = "patinox.review.requests";
    /** Reviewers' decisions on suspended runs. Key: review id. Value: {@code ReviewDecision}. */
    public static final String REVIEW_DECISIONS = "patinox.review.decisions";
    /**
     * The executor's run checkpoints (compacted, then deleted after {@link #RUNS_RETENTION}: the idempotency
     * window). Key: task id. Value: the executor-internal {@code RunCheckpoint}; no other service reads it.
     */
    public static final String RUNS = "patinox.runs";
    /** How long a finished task id is remembered on {@link #RUNS}. */
    public static final java.time.Duration RUNS_RETENTION = java.time.Duration.ofDays(7);

    /** Partitions of the high-volume topics; enough for a handful of executor and validator replicas. */
    public static final int DEFAULT_PARTITIONS = 4;

    /**
     * A topic and how it is created.
     *
     * @param retention for a compacted topic, how long records are kept before they are deleted as well
     *        ({@code cleanup.policy=compact,delete}); null keeps the latest value of a key forever
     */
    public record TopicSpec(String name, int partitions, boolean compacted, java.time.Duration retention) {
        /** A topic with the broker's retention. */
        public TopicSpec(String name, int partitions, boolean compacted) {
            this(name, partitions, compacted, null);
        }

        /** The {@code cleanup.policy} the topic is created with. */
        public String cleanupPolicy() {
            return !compacted ? "delete" : retention == null ? "compact" : "compact,delete";
        }

        public TopicSpec {
            if (name == null || !name.startsWith(PREFIX)) {
                throw new IllegalArgumentException("topic name must start with " + PREFIX + ": " + name);
            }
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be >= 1 for " + name);
            }
        }
    }

    /** The topics that carry events. */
    public static final List<TopicSpec> EVENT_TOPICS = List.of(
            new TopicSpec(TASKS, DEFAULT_PARTITIONS, false),
            new TopicSpec(VALIDATION_REQUESTS, DEFAULT_PARTITIONS, false),
            new TopicSpec(VALIDATION_REPLIES, DEFAULT_PARTITIONS, false),
            new TopicSpec(VALIDATION_WARM_UP, 1, false),
            new TopicSpec(STEPS, DEFAULT_PARTITIONS, false),
            new TopicSpec(RESULTS, DEFAULT_PARTITIONS, false),
            new TopicSpec(AGGREGATES, DEFAULT_PARTITIONS, true),
            new TopicSpec(PROPOSALS, 1, false),
            new TopicSpec(REVIEW, 1, false),
            new TopicSpec(REVIEW_REQUESTS, 1, false),
            new TopicSpec(REVIEW_DECISIONS, 1, false),
            new TopicSpec(RUNS, DEFAULT_PARTITIONS, true, RUNS_RETENTION));

    /** The topics a service consumes, and so the ones that have a dead-letter topic. */
    public static final List<String> CONSUMED = List.of(
            TASKS, VALIDATION_REQUESTS, VALIDATION_REPLIES, STEPS, RESULTS, AGGREGATES, PROPOSALS, REVIEW_DECISIONS);

    private Topics() {
    }

    /**
     * The dead-letter topic of a consumed topic: {@code patinox.dlq.<source>}, e.g.
     * {@code patinox.dlq.tasks} for {@code patinox.tasks}. It holds the original bytes, with the
     * reason in the {@code dead-letter-reason} header.
     */
    public static String dlq(String topic) {
        if (!topic.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a Patinox topic: " + topic);
        }
        return PREFIX + "dlq." + topic.substring(PREFIX.length());
    }

    /** Every topic the mesh needs, dead-letter topics included, as it should be created. */
    public static List<TopicSpec> all() {
        var all = new java.util.ArrayList<>(EVENT_TOPICS);
        for (String consumed : CONSUMED) {
            all.add(new TopicSpec(dlq(consumed), 1, false));
        }
        return List.copyOf(all);
    }
}
