package io.patinox.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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

    private HttpServer server;
    private final List<String> requests = new ArrayList<>();
    private final List<String> lines = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/proposals", exchange -> {
            String target = exchange.getRequestMethod() + " " + exchange.getRequestURI();
            requests.add(target);
            String path = exchange.getRequestURI().getPath();
            int status = 200;
            String body;
            if (path.equals("/proposals")) {
                body = "[" + PROPOSAL.formatted("OPENED") + "]";
            } else if (path.equals("/proposals/abc123")) {
                body = "{\"proposal\":" + PROPOSAL.formatted("OPENED") + ",\"evidence\":{\"replayResult\":\"passed\"},"
                        + "\"diff\":\"-stepDeadline: 2s\\n+stepDeadline: 4s\\n\"}";
            } else if (path.equals("/proposals/abc123/approve")) {
                body = PROPOSAL.formatted("MERGED");
            } else if (path.equals("/proposals/abc123/reject")) {
                body = PROPOSAL.formatted("REJECTED");
            } else {
                status = 404;
                body = "{\"error\":\"no proposal nope\"}";
            }
            byte[] out = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, out.length);
            exchange.getResponseBody().write(out);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private int run(String... args) {
        return new ProposalsCommand(URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), lines::add)
                .run(List.of(args));
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
        assertThat(requests).containsExactly("GET /proposals", "GET /proposals/abc123", "POST /proposals/abc123/approve",
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
