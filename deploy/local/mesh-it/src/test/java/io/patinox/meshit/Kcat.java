package io.patinox.meshit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The kcat command line client (Debian package {@code kcat}), as an external user would run it. */
final class Kcat {

    private Kcat() {
    }

    static void requireInstalled() {
        try {
            run(List.of("kcat", "-V"), null);
        } catch (IllegalStateException e) {
            throw new IllegalStateException("kcat is needed by the end-to-end tests: apt-get install -y kcat ("
                    + e.getMessage() + ")");
        }
    }

    /** Produces one record with a key. */
    static void produce(String bootstrap, String topic, String key, String value) {
        if (value.contains("\n")) {
            throw new IllegalArgumentException("one line per record");
        }
        run(List.of("kcat", "-b", bootstrap, "-t", topic, "-P", "-K", "\t", "-X", "acks=all"), key + "\t" + value + "\n");
    }

    /** Every record of the topic as {@code key<TAB>value} lines, then exits at the end. */
    static List<String> consumeAll(String bootstrap, String topic) {
        String out = run(List.of("kcat", "-b", bootstrap, "-t", topic, "-C", "-o", "beginning", "-e", "-q",
                "-f", "%k\t%s\n"), null);
        return out.lines().filter(l -> !l.isBlank()).toList();
    }

    private static String run(List<String> command, String stdin) {
        try {
            Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(false).start();
            if (stdin != null) {
                p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
            }
            p.getOutputStream().close();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + err);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
