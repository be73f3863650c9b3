package io.patinox.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;

/**
 * A server on a free loopback port for a test's stand-in of an HTTP API (OpenAI's, GitHub's, a service's REST API):
 * one context served by one handler, answers in JSON, every request recorded. Closing it stops it at once.
 */
public final class LocalHttpServer implements AutoCloseable {

    /** The content type of a JSON answer, unless a stand-in must answer like its original. */
    public static final String JSON = "application/json; charset=utf-8";

    private final HttpServer server;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private LocalHttpServer(String context, HttpHandler handler, Executor executor) {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext(context, exchange -> {
            requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
            handler.handle(exchange);
        });
        server.setExecutor(executor);
        server.start();
    }

    /** Serves {@code handler} under {@code context}, on the server's own thread. */
    public static LocalHttpServer start(String context, HttpHandler handler) {
        return start(context, handler, null);
    }

    /** Serves {@code handler} under {@code context}, on {@code executor} (null: the server's own thread). */
    public static LocalHttpServer start(String context, HttpHandler handler, Executor executor) {
        return new LocalHttpServer(context, handler, executor);
    }

    /** The server's address, {@code http://127.0.0.1:<port>}, without a trailing slash. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** Every request received, in order, as its method and URI: {@code POST /reviews/r-1/approve?x=y}. */
    public List<String> requests() {
        return requests;
    }

    /** Answers {@code exchange} with {@code status} and the JSON {@code body}, and closes it. */
    public static void respond(HttpExchange exchange, int status, String body) throws IOException {
        respond(exchange, status, JSON, body);
    }

    /** Answers {@code exchange} with {@code status} and {@code body} of {@code contentType}, and closes it. */
    public static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] out = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", contentType);
        exchange.sendResponseHeaders(status, out.length);
        exchange.getResponseBody().write(out);
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
