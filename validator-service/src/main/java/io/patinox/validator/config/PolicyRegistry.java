package io.patinox.validator.config;

import io.patinox.contracts.config.ConfigVersion;
import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.StepContext;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.validator.ai.LlmJudge;
import io.patinox.validator.builtin.BuiltInValidators;
import io.patinox.validator.policy.Policy;
import io.patinox.validator.policy.PolicyLoader;
import io.quarkus.runtime.Startup;
import io.quarkus.scheduler.Scheduled;
import io.quarkus.scheduler.Scheduled.ConcurrentExecution;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The policies in force and the config version they came from. Loaded at start from
 * {@code patinox.config.dir}; an invalid policy stops the start with a message naming file and field.
 */
@ApplicationScoped
@Startup
public class PolicyRegistry {

    private static final Logger LOG = Logger.getLogger(PolicyRegistry.class);

    /** The policies and their version, swapped as one. */
    public record Snapshot(Map<String, Policy> policies, String configVersion) {
    }

    private final Path configDir;
    private final PolicyLoader loader;
    private final Duration reloadInterval;
    private volatile Snapshot snapshot;

    PolicyRegistry(@ConfigProperty(name = "patinox.config.dir", defaultValue = "config") String configDir,
            ValidatorConfig config) {
        this.configDir = Path.of(configDir).toAbsolutePath().normalize();
        this.loader = new PolicyLoader(BuiltInValidators.factories(this.configDir, config.judge().settings()),
                config.defaultTimeout());
        this.snapshot = load();
        LOG.infof("Loaded policies %s from %s (config version %s)", snapshot.policies().keySet(), this.configDir,
                snapshot.configVersion());
        this.reloadInterval = config.reloadInterval();
    }

    /**
     * The scheduler's check of the config version every {@code patinox.validator.reload-interval}; a check still
     * running when the next is due makes that one skip. Zero: no checks.
     */
    @Scheduled(identity = "policy-reload", every = "${patinox.validator.reload-interval}", delayed = "${patinox.validator.reload-interval}", concurrentExecution = ConcurrentExecution.SKIP)
    void check() {
        if (!reloadInterval.isZero()) {
            reloadIfChanged();
        }
    }

    /**
     * Loads the policies again when the config version changed. An invalid change is logged and refused:
     * the policies in force stay, and the same version is not tried again.
     *
     * @return true when new policies are in force
     */
    public synchronized boolean reloadIfChanged() {
        String version = ConfigVersion.of(configDir);
        if (version.equals(snapshot.configVersion()) || version.equals(refusedVersion)) {
            return false;
        }
        try {
            reload();
            refusedVersion = null;
            return true;
        } catch (RuntimeException e) {
            refusedVersion = version;
            LOG.errorf("Refusing config version %s, keeping %s: %s", version, snapshot.configVersion(), e.getMessage());
            return false;
        }
    }

    private String refusedVersion;

    private Snapshot load() {
        Map<String, Policy> policies = Map.copyOf(loader.loadAll(configDir));
        Optional<Set<String>> inUse = PoliciesInUse.of(configDir);
        List<String> cold = new ArrayList<>();
        List<String> warm = new ArrayList<>();
        for (Policy policy : new TreeMap<>(policies).values()) {
            if (inUse.isEmpty() || inUse.get().contains(policy.name())) {
                warmUp(policy);
                warm.add(policy.name());
            } else {
                cold.add(policy.name());
            }
        }
        if (!cold.isEmpty()) {
            LOG.infof("Policies %s are named by no agent or workflow: loaded on their first request", cold);
        }
        warmPolicies = List.copyOf(warm);
        return new Snapshot(policies, ConfigVersion.of(configDir));
    }

    /**
     * Runs every validator once on made-up steps before the policy goes live: the first call of a
     * validator loads classes and compiles code paths, and must not eat a real request's time limit. Only the
     * policies that agents or workflows name ({@link PoliciesInUse}) are warmed: a validator that loads a model on its
     * first call (attack-similarity) loads it only for a policy in use.
     */
    static void warmUp(Policy policy) {
        StepContext context = new StepContext("What is 17 times 23? Mail jane.doe@example.com", List.of(), null, 0);
        List<Action> actions = List.of(
                new Action.FinalAnswer("17 × 23 = 391. Card 4111 1111 1111 1111, IBAN DE89 3704 0044 0532 0130 00,"
                        + " call +49 30 1234567."),
                new Action.ToolCall("calculator", Map.of("expression", "17 * 23")),
                new Action.ToolCall("refund", Map.of("orderId", "1", "amount", 1, "currency", "EUR")));
        for (Action action : actions) {
            var request = new ValidationRequest(ValidationRequest.SCHEMA_VERSION, "warm-up", "warm-up", "warm-up", 0,
                    "warm-up", ConfigVersion.UNVERSIONED, policy.name(), action, context, Instant.now());
            for (Policy.Step step : policy.steps()) {
                if (step.validator() instanceof LlmJudge) {
                    continue; // a model call, not class loading: its first real call pays for the connection
                }
                try {
                    step.validator().validate(request);
                } catch (RuntimeException e) {
                    LOG.warnf("Validator %s of policy %s failed its warm-up: %s", step.validator().name(),
                            policy.name(), e.toString());
                }
            }
        }
    }

    private volatile List<String> warmPolicies = List.of();

    /** The policies warmed at the last load: those agents or workflows name (all of them when that is unknown). */
    public List<String> warmPolicies() {
        return warmPolicies;
    }

    /** The policies and config version in force. */
    public Snapshot current() {
        return snapshot;
    }

    /** The policy named {@code name}, if loaded. */
    public Optional<Policy> policy(String name) {
        return Optional.ofNullable(snapshot.policies().get(name));
    }

    /**
     * Loads the config directory again; on error the policies in force stay and the error is thrown.
     *
     * @return the new snapshot
     */
    public synchronized Snapshot reload() {
        Snapshot next = load();
        snapshot = next;
        LOG.infof("Reloaded policies %s (config version %s)", next.policies().keySet(), next.configVersion());
        return next;
    }
}
