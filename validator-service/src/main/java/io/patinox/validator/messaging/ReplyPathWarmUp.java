package io.patinox.validator.messaging;

import io.patinox.contracts.events.ValidationReply;
import io.patinox.contracts.events.ValidationRequest;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.verdict.Verdict;
import io.patinox.validator.config.ValidatorConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Readies the reply path at start: the reply producer fetches the default reply topic's metadata, and the
 * JSON mapping of requests and replies is exercised once. Otherwise the first requests after a start pay for
 * both, and may miss a requester's deadline.
 */
@ApplicationScoped
public class ReplyPathWarmUp {

    private static final Logger LOG = Logger.getLogger(ReplyPathWarmUp.class);

    private static final String SAMPLE = """
            {"schemaVersion":1,"requestId":"warm-up","taskId":"warm-up","runId":"warm-up","stepIndex":0,\
            "agent":"warm-up","configVersion":"warm-up","policy":"default",\
            "action":{"type":"final_answer","answer":"ok"},\
            "context":{"taskInput":"ok","toolOutputs":[],"retries":0},"occurredAt":"2026-01-01T00:00:00Z"}""";

    void onStart(@Observes StartupEvent event, KafkaClientService clients, ValidatorConfig config) {
        try {
            ValidationRequest request = Json.decode(SAMPLE, ValidationRequest.class);
            Json.decode(Json.encode(ValidationReply.answering(request, "warm-up", Verdict.allow(), List.of(), 0,
                    request.occurredAt())),
                    ValidationReply.class);
        } catch (RuntimeException e) {
            LOG.warnf("JSON warm-up failed: %s", e.getMessage());
        }
        try {
            var producer = clients.<String, ValidationReply> getProducer(ReplySender.CHANNEL);
            if (producer != null) {
                producer.partitionsFor(config.defaultReplyTopic())
                        .ifNoItem().after(Duration.ofSeconds(30)).fail()
                        .subscribe().with(
                                partitions -> LOG.debugf("Reply topic %s has %d partitions", config.defaultReplyTopic(),
                                        partitions.size()),
                                error -> LOG.warnf("Could not fetch the metadata of %s: %s", config.defaultReplyTopic(),
                                        error.getMessage()));
            }
        } catch (RuntimeException e) {
            // Only a head start: the first reply fetches the metadata anyway.
            LOG.debugf("Reply producer not ready for warm-up: %s", e.getMessage());
        }
    }
}
