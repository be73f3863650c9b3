package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.events.EvolutionProposal;
import io.patinox.contracts.events.RunResult;
import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.topics.Topics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the evolution tests do on the running mesh: drive an agent's runs until the executor runs a config version, and
 * read, approve and revert proposals over the evolution service's REST API.
 */
final class EvolutionApi {

    private final RunningMesh mesh;
    private final HttpClient http = HttpClient.newHttpClient();

    EvolutionApi(RunningMesh mesh) {
        this.mesh = mesh;
    }

    /**
     * Submits {@code input} to {@code agent} until {@code count} of its runs ran under {@code version} (the executor
     * reloads its config every few seconds), and returns those.
     */
    List<RunResult> runUntil(String agent, String input, String version, int count) {
        List<RunResult> under = new ArrayList<>();
        await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            // One probe task until the executor runs the version, then the rest at once, through one client.
            int batch = under.isEmpty() ? 1 : count - under.size();
            TaskSubmitted[] tasks = new TaskSubmitted[batch];
            for (int i = 0; i < batch; i++) {
                tasks[i] = TaskSubmitted.of("evo-" + UUID.randomUUID(), agent, input);
            }
            mesh.submit(tasks);
            List<String> ids = java.util.Arrays.stream(tasks).map(TaskSubmitted::taskId).toList();
            mesh.awaitResults(ids, Duration.ofSeconds(60)).values().stream()
                    .filter(r -> version.equals(r.configVersion())).forEach(under::add);
            return under.size() >= count;
        });
        return under;
    }

    /** Every proposal, as {@code GET /proposals} lists them. */
    List<EvolutionProposal> proposals() throws Exception {
        List<EvolutionProposal> out = new ArrayList<>();
        for (JsonNode p : Json.mapper().readTree(get("/proposals"))) {
            out.add(Json.decode(Json.mapper().writeValueAsString(p), EvolutionProposal.class));
        }
        return out;
    }

    EvolutionProposal proposal(String id) throws Exception {
        return proposals().stream().filter(p -> p.proposalId().equals(id)).findFirst().orElseThrow();
    }

    /** Every event of a proposal on {@code patinox.proposals}, oldest first. */
    List<EvolutionProposal> events(String id) {
        return mesh.kafka.readAll(Topics.PROPOSALS, r -> id.equals(r.key())).stream()
                .map(r -> Json.decode(r.value(), EvolutionProposal.class)).toList();
    }

    /**
     * Approves a proposal over REST: it is merged, and the config repository's head is the merge commit, which is
     * returned.
     */
    String approve(EvolutionProposal proposal) throws Exception {
        EvolutionProposal merged = Json.decode(post("/proposals/" + proposal.proposalId() + "/approve"),
                EvolutionProposal.class);
        assertThat(merged.status()).isEqualTo(io.patinox.contracts.events.ProposalStatus.MERGED);
        String mergedVersion = merged.evidence().get("mergedConfigVersion");
        assertThat(mesh.git("rev-parse", "HEAD")).isEqualTo(mergedVersion);
        return mergedVersion;
    }

    String get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri(path)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    String post(String path) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("POST " + path + ": " + response.body()).isEqualTo(200);
        return response.body();
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + mesh.port("evolution") + path);
    }
}
