package io.patinox.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.patinox.testkit.LocalHttpServer;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./patinox proposals ...} against a local server answering like the evolution service's REST API. */
class ProposalsCommandTest {

    private static final String PROPOSAL = """
            {"schemaVersion":1,"proposalId":"abc123","agent":"support","kind":"raise-deadline","status":"%s",
             "summary":"Raise support's step deadline","baseConfigVersion":"c0ffee","branch":"patinox/proposal-abc123",
             "commit":"beef","reviewUrl":"local:/r#patinox/proposal-abc123",
             "evidence":{"replayResult":"passed","mergedConfigVersion":"beef"},"occurredAt":"2026-11-25T17:00:00Z"}""";

    private LocalHttpServer server;
    private final List<String> lines = new ArrayList<>();

    @BeforeEach
    void start() {
        server = LocalHttpServer.start("/proposals", exchange -> {
            String body = switch (exchange.getRequestURI().getPath()) {
                case "/proposals" -> "[" + PROPOSAL.formatted("OPENED") + "]";
                case "/proposals/abc123" -> "{\"proposal\":" + PROPOSAL.formatted("OPENED")
                        + ",\"evidence\":{\"replayResult\":\"passed\"},\"diff\":\"-stepDeadline: 2s\\n+stepDeadline: 4s\\n\"}";
                case "/proposals/abc123/approve" -> PROPOSAL.formatted("MERGED");
                case "/proposals/abc123/reject" -> PROPOSAL.formatted("REJECTED");
                default -> null;
            };
            if (body == null) {
                LocalHttpServer.respond(exchange, 404, "{\"error\":\"no proposal nope\"}");
            } else {
                LocalHttpServer.respond(exchange, 200, body);
            }
        });
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private int run(String... args) {
        return new ProposalsCommand(URI.create(server.url() + "/"), lines::add).run(List.of(args));
    }

    @Test
    void listsShowsApprovesAndRejects() {
        assertThat(run("list")).isZero();
        assertThat(lines.get(0)).contains("abc123").contains("OPENED").contains("raise-deadline").contains("support");
        run("show", "abc123");
        assertThat(String.join("\n", lines)).contains("replayResult: passed").contains("+stepDeadline: 4s");
        run("approve", "abc123");
        assertThat(String.join("\n", lines)).contains("abc123 MERGED").contains("mergedConfigVersion: beef");
        run("reject", "abc123", "not", "now");
        assertThat(server.requests()).containsExactly("GET /proposals", "GET /proposals/abc123",
                "POST /proposals/abc123/approve",
                "POST /proposals/abc123/reject?reason=not+now");
        assertThatThrownBy(() -> run("approve", "nope")).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("404").hasMessageContaining("no proposal nope");
    }

    @Test
    void theLocalConfigRepositoryAcceptsPushesToItsBranch(@TempDir Path tmp) throws Exception {
        Path samples = Files.createDirectories(tmp.resolve("samples/agents"));
        Files.writeString(samples.resolve("a.yaml"), "name: a\n");
        ConfigRepo.ensure(tmp.resolve("samples"), tmp.resolve("repo"));
        assertThat(ConfigRepo.git(tmp.resolve("repo"), "config", "receive.denyCurrentBranch")).isEqualTo("updateInstead");
    }
}
