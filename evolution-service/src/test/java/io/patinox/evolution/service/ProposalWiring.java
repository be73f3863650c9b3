package io.patinox.evolution.service;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.evolution.config.EvolutionConfig;
import io.patinox.evolution.messaging.ProposalPublisher;
import io.patinox.evolution.replay.StepRecorder;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The proposal service and its parts put together by hand, as the container would, for tests that run without
 * Quarkus: the settings are {@code properties} (prefix {@code patinox.evolution.}), what would be published on the
 * proposals topic is kept in {@link #published}.
 */
final class ProposalWiring implements AutoCloseable {

    final List<EvolutionProposal> published = new CopyOnWriteArrayList<>();
    final ProposalService service;
    final ProposalLedger ledger;
    final AggregateView view;
    final OutcomeJudge outcomes;
    final StepRecorder recorder;
    private final ConfigRemote remote;
    private final DraftReplay replay;

    ProposalWiring(Map<String, String> properties) {
        this(properties, OpenTelemetry.noop().getTracer("test"));
    }

    /** With {@code tracer} for the proposals' spans. */
    ProposalWiring(Map<String, String> properties, Tracer tracer) {
        Map<String, String> all = new HashMap<>(properties);
        // Quarkus' converter reads "200ms"; plain SmallRye Config reads ISO-8601.
        all.putIfAbsent("patinox.evolution.replay.default-timeout", "PT0.2S");
        EvolutionConfig config = new SmallRyeConfigBuilder().withMapping(EvolutionConfig.class)
                .withSources(new PropertiesConfigSource(all, "test", 500)).build()
                .getConfigMapping(EvolutionConfig.class);
        recorder = new StepRecorder(config);
        view = new AggregateView();
        view.config = config;
        ledger = new ProposalLedger(new ProposalPublisher() {
            @Override
            public CompletionStage<Void> publish(EvolutionProposal proposal) {
                published.add(proposal);
                return CompletableFuture.completedFuture(null);
            }
        }, Clock.systemUTC());
        remote = new ConfigRemote(config);
        replay = new DraftReplay(config, recorder);
        outcomes = new OutcomeJudge(config, view, ledger);
        service = new ProposalService(config, ledger, remote, replay, outcomes,
                new BlockRateWatch(config, view, recorder, remote, ledger), recorder, tracer);
    }

    @Override
    public void close() {
        remote.close();
        replay.close();
    }
}
