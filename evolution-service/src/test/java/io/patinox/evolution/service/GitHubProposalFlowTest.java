package io.patinox.evolution.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.ProposalStatus;
import io.patinox.contracts.json.Json;
import io.patinox.evolution.config.EvolutionConfig;
import io.patinox.evolution.messaging.ProposalPublisher;
import io.patinox.evolution.replay.StepRecorder;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.RefUpdate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proposal service with a token and repository configured: proposals are pushed to the remote (a bare
 * repository) and opened as pull requests on a local server answering like GitHub, which merges them into the
 * remote's main branch when asked; the service takes the merge commit GitHub reports as the new config version.
 */
class GitHubProposalFlowTest {

    @TempDir
    Path tmp;

    private HttpServer server;
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<EvolutionProposal> published = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    /** GitHub's pull-request API over the bare remote: the merge moves main to the pull request's head. */
    private void startGitHub(Path remote) throws Exception {
        Map<Integer, String> heads = new java.util.concurrent.ConcurrentHashMap<>();
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/repos/acme/config/pulls", exchange -> {
            JsonNode body = Json.mapper().readTree(exchange.getRequestBody().readAllBytes());
            String path = exchange.getRequestURI().getPath();
            calls.add(exchange.getRequestMethod() + " " + path + " " + exchange.getRequestHeaders().getFirst("Authorization"));
            String answer;
            int status = 200;
            if (exchange.getRequestMethod().equals("POST")) {
                heads.put(7, body.path("head").asText());
                status = 201;
                answer = "{\"number\":7,\"html_url\":\"https://github.com/acme/config/pull/7\"}";
            } else {
                try (Git git = Git.open(remote.toFile())) {
                    var repo = git.getRepository();
                    var head = repo.resolve("refs/heads/" + heads.get(7));
                    RefUpdate update = repo.updateRef("refs/heads/main");
                    update.setNewObjectId(head);
                    update.update();
                    answer = "{\"sha\":\"" + head.name() + "\",\"merged\":true,\"message\":\"merged\"}";
                }
            }
            byte[] out = answer.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    private ProposalService service(Path remote) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(EvolutionConfig.class)
                .withSources(new io.smallrye.config.PropertiesConfigSource(Map.of(
                        // Quarkus' converter reads "200ms"; plain SmallRye Config reads ISO-8601.
                        "patinox.evolution.replay.default-timeout", "PT0.2S",
                        "patinox.evolution.config-dir", tmp.resolve("no-checkout").toString(),
                        "patinox.evolution.remote", remote.toString(),
                        "patinox.evolution.config-path", "config",
                        "patinox.evolution.work-dir", tmp.resolve("evolution.git").toString(),
                        "patinox.evolution.github.token", "ghp_secret",
                        "patinox.evolution.github.repository", "acme/config",
                        "patinox.evolution.github.api-url", "http://127.0.0.1:" + server.getAddress().getPort()), "test", 500))
                .build();
        EvolutionConfig evolution = config.getConfigMapping(EvolutionConfig.class);
        ProposalService service = new ProposalService();
        service.config = evolution;
        service.recorder = new StepRecorder(evolution);
        service.view = new AggregateView();
        service.view.config = evolution;
        service.publisher = new ProposalPublisher() {
            @Override
            public CompletionStage<Void> publish(EvolutionProposal proposal) {
                published.add(proposal);
                return CompletableFuture.completedFuture(null);
            }
        };
        return service;
    }

    @Test
    void opensAndMergesThroughPullRequests() throws Exception {
        Path remote = tmp.resolve("remote.git");
        Git.init().setBare(true).setDirectory(remote.toFile()).setInitialBranch("main").call().close();
        Path dev = tmp.resolve("dev");
        try (Git git = Git.init().setDirectory(dev.toFile()).setInitialBranch("main").call()) {
            Files.createDirectories(dev.resolve("config/agents"));
            Files.writeString(dev.resolve("config/agents/support.yaml"), "name: support\nmaxSteps: 8\npolicy: default\n");
            Path samples = Path.of("..", "config");
            for (String dir : new String[] {"policies", "models", "corpus"}) {
                io.patinox.evolution.ConfigRepoResource.copyTree(samples.resolve(dir), dev.resolve("config").resolve(dir));
            }
            git.add().addFilepattern(".").call();
            git.commit().setMessage("seed").setAuthor("t", "t@example.invalid").setCommitter("t", "t@example.invalid")
                    .setSign(false).call();
            git.push().setRemote(remote.toString()).add("main").call();
        }
        startGitHub(remote);
        ProposalService service = service(remote);
        try {
            var draft = new Draft("manual|support|steps", "manual", "support", null, "Fewer steps for support",
                    Map.of("agents/support.yaml", "name: support\nmaxSteps: 6\npolicy: default\n"), Map.of());
            EvolutionProposal opened = service.submit(draft).orElseThrow();
            assertThat(opened.status()).isEqualTo(ProposalStatus.OPENED);
            assertThat(opened.reviewUrl()).isEqualTo("https://github.com/acme/config/pull/7");
            assertThat(opened.evidence().get("replayResult")).isEqualTo("passed");
            assertThat(calls).containsExactly("POST /repos/acme/config/pulls Bearer ghp_secret");
            try (Git git = Git.open(remote.toFile())) {
                assertThat(git.getRepository().resolve("refs/heads/" + opened.branch()).name()).isEqualTo(opened.commit());
            }

            EvolutionProposal merged = service.approve(opened.proposalId());
            assertThat(calls).last().isEqualTo("PUT /repos/acme/config/pulls/7/merge Bearer ghp_secret");
            assertThat(merged.status()).isEqualTo(ProposalStatus.MERGED);
            assertThat(merged.evidence()).containsEntry("mergedConfigVersion", opened.commit());
            try (Git git = Git.open(remote.toFile())) {
                assertThat(git.getRepository().resolve("refs/heads/main").name()).isEqualTo(opened.commit());
            }
            assertThat(published).extracting(EvolutionProposal::status)
                    .containsExactly(ProposalStatus.OPENED, ProposalStatus.MERGED);
        } finally {
            service.close();
        }
    }
}
