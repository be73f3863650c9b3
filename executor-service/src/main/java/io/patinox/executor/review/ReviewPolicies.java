package io.patinox.executor.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.patinox.contracts.events.ReviewDecision;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The {@code review} settings of the validator policies ({@code <config dir>/policies/<name>.yaml}, e.g.
 * {@code review: {timeout: PT24H, onTimeout: reject}}). Read when a step is diverted to a person, so a changed
 * policy counts from its next divert. The validator owns the rest of the file and checks it; here only this
 * block is read, and a block that cannot be read counts as none (logged), which ends the run for a person to
 * check instead of suspending it.
 */
@ApplicationScoped
public class ReviewPolicies {

    private static final Logger LOG = Logger.getLogger(ReviewPolicies.class);
    private static final YAMLMapper YAML = new YAMLMapper();

    @ConfigProperty(name = "patinox.config.dir", defaultValue = "config")
    String configDir;

    /** The review settings of {@code policy}, if its file has them. */
    public Optional<ReviewSettings> forPolicy(String policy) {
        Path file = Path.of(configDir, "policies", policy + ".yaml");
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return read(YAML.readTree(file.toFile()).path("review"));
        } catch (IOException | RuntimeException e) {
            LOG.errorf("Cannot read the review settings of %s: %s", file, e.getMessage());
            return Optional.empty();
        }
    }

    /** The settings of a {@code review} node; empty when it is missing. */
    public static Optional<ReviewSettings> read(JsonNode review) {
        if (review.isMissingNode() || review.isNull()) {
            return Optional.empty();
        }
        Duration timeout = Duration.parse(review.path("timeout").asText("PT24H"));
        ReviewDecision.Kind onTimeout = ReviewDecision.Kind
                .valueOf(review.path("onTimeout").asText("reject").toUpperCase(Locale.ROOT));
        return Optional.of(new ReviewSettings(timeout, onTimeout));
    }
}
