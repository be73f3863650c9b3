package io.patinox.validator.policy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.validation.FailMode;
import io.patinox.contracts.validation.Validator;
import io.patinox.contracts.validation.ValidatorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Reads {@code <config dir>/policies/*.yaml} into {@link Policy} objects. Strict: an unknown field, a
 * missing validator type, a bad parameter is a {@link PolicyException} whose message starts with the
 * file and names the field, e.g. {@code policies/default.yaml: validators[1] (pii): params.kinds[0]: unknown kind 'mail'}.
 */
public final class PolicyLoader {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private final Map<String, ValidatorFactory> factories;
    private final Duration defaultTimeout;

    public PolicyLoader(List<ValidatorFactory> factories, Duration defaultTimeout) {
        this.factories = factories.stream().collect(Collectors.toMap(ValidatorFactory::type, Function.identity(),
                (a, b) -> {
                    throw new IllegalStateException("two validator factories for type " + a.type());
                }, TreeMap::new));
        this.defaultTimeout = defaultTimeout;
    }

    /** Every policy of {@code configDir/policies}, by name. */
    public Map<String, Policy> loadAll(Path configDir) {
        Path dir = configDir.resolve("policies");
        if (!Files.isDirectory(dir)) {
            throw new PolicyException(dir + ": no policies directory (set patinox.config.dir)", null);
        }
        Map<String, Policy> policies = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList()) {
                Policy policy = load(file);
                if (policies.put(policy.name(), policy) != null) {
                    throw new PolicyException(file + ": a policy named '" + policy.name() + "' exists twice", null);
                }
            }
        } catch (IOException e) {
            throw new PolicyException(dir + ": cannot list: " + e.getMessage(), e);
        }
        return policies;
    }

    /** One policy file. */
    public Policy load(Path file) {
        String fileName = file.getFileName().toString();
        String name = fileName.substring(0, fileName.lastIndexOf('.'));
        PolicyFile raw;
        try {
            raw = YAML.readValue(file.toFile(), PolicyFile.class);
        } catch (JsonMappingException e) {
            throw new PolicyException(file + ": field '" + Json.path(e) + "': " + firstLine(e.getOriginalMessage()), e);
        } catch (IOException e) {
            throw new PolicyException(file + ": not valid YAML: " + firstLine(e.getMessage()), e);
        }
        if (raw == null) {
            throw new PolicyException(file + ": empty file", null);
        }
        return compile(file, name, raw);
    }

    private Policy compile(Path file, String name, PolicyFile raw) {
        if (raw.name() != null && !raw.name().equals(name)) {
            throw new PolicyException(file + ": field 'name': '" + raw.name() + "' differs from the file name '"
                    + name + "'", null);
        }
        FailMode failMode;
        try {
            failMode = raw.failMode() == null ? FailMode.CLOSED
                    : FailMode.valueOf(raw.failMode().trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new PolicyException(file + ": field 'failMode': expected closed or open but was '"
                    + raw.failMode() + "'", null);
        }
        if (raw.latencyBudgetMs() != null && raw.latencyBudgetMs() <= 0) {
            throw new PolicyException(file + ": field 'latencyBudgetMs': must be > 0", null);
        }
        Duration budget = Duration.ofMillis(raw.latencyBudgetMs() == null ? 1000 : raw.latencyBudgetMs());
        if (raw.validators() == null || raw.validators().isEmpty()) {
            throw new PolicyException(file + ": field 'validators': at least one validator is required", null);
        }
        List<Ordered> steps = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < raw.validators().size(); i++) {
            steps.add(compile(file, i, raw.validators().get(i), names));
        }
        // Stable: equal costs keep the file's order.
        steps.sort(Comparator.comparingInt(Ordered::cost));
        return new Policy(name, failMode, budget, steps.stream().map(Ordered::step).toList());
    }

    private record Ordered(int cost, Policy.Step step) {
    }

    private Ordered compile(Path file, int index, PolicyFile.Entry entry, Set<String> names) {
        String where = file + ": validators[" + index + "]";
        if (entry == null || entry.type() == null || entry.type().isBlank()) {
            throw new PolicyException(where + ": field 'type': required (known: " + factories.keySet() + ")", null);
        }
        ValidatorFactory factory = factories.get(entry.type());
        if (factory == null) {
            throw new PolicyException(where + ": field 'type': unknown validator type '" + entry.type()
                    + "' (known: " + factories.keySet() + ")", null);
        }
        String validatorName = entry.name() == null ? entry.type() : entry.name();
        if (!names.add(validatorName)) {
            throw new PolicyException(where + ": field 'name': '" + validatorName
                    + "' is used twice; give each entry its own name", null);
        }
        if (entry.timeoutMs() != null && entry.timeoutMs() <= 0) {
            throw new PolicyException(where + ": field 'timeoutMs': must be > 0", null);
        }
        Validator validator;
        try {
            validator = factory.create(validatorName, entry.params() == null ? Map.of() : entry.params());
        } catch (IllegalArgumentException e) {
            throw new PolicyException(where + " (" + entry.type() + "): " + e.getMessage(), e);
        } catch (RuntimeException | LinkageError e) {
            // e.g. a native library that cannot load, or Arrow without --add-opens=java.base/java.nio=ALL-UNNAMED
            Throwable cause = e;
            while (cause.getCause() != null && cause.getCause() != cause) {
                cause = cause.getCause();
            }
            throw new PolicyException(where + " (" + entry.type() + "): cannot create the validator: " + e
                    + (cause != e ? " (cause: " + cause + ")" : ""), e);
        }
        Duration timeout = entry.timeoutMs() == null ? defaultTimeout : Duration.ofMillis(entry.timeoutMs());
        int cost = entry.cost() == null ? validator.cost() : entry.cost();
        boolean isolated = entry.isolated() == null ? validator.cost() >= Policy.Step.ISOLATION_COST : entry.isolated();
        return new Ordered(cost, new Policy.Step(validator, timeout, isolated));
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int nl = text.indexOf('\n');
        return nl < 0 ? text : text.substring(0, nl);
    }
}
