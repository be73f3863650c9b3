package io.patinox.launcher;

import io.patinox.contracts.events.TaskSubmitted;
import io.patinox.deploy.local.LocalBroker;
import io.patinox.deploy.local.TopicSetup;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;

/** The {@code ./patinox} command: runs the local mesh and talks to it. */
public final class Patinox {

    static final String USAGE = """
            usage: ./patinox <command>

              up                    start the broker and the four services; wait until all are ready
              down                  stop them
              status                what runs, where
              demo [--keep]         up, submit sample tasks, print each verdict and result, summary; then run the
                                    sample workflow (branch, parallel, a refund a reviewer approves), down
                                    (--keep leaves the mesh running; a mesh that was already up stays up)
              submit "<text>" [--agent NAME] [--no-wait]
                                    publish one task and print its steps and result
              broker [--port P] [--controller-port C] [--data DIR]
                                    run the Kafka broker in the foreground (what 'up' starts)
              proposals list | show <id> | approve <id> | reject <id> [reason] | revert <id>
                                    the evolution service's proposals (REST on http://127.0.0.1:8084/proposals)
              review list | show <id> | approve <id> | edit <id> '<action json>' | reject <id> <reason>
                                    runs suspended for a person (REST on http://127.0.0.1:8081/reviews)
              check-config [dir]    check agents and workflows as the executor loads them (default: config/);
                                    prints file:line: field: message per problem, exit code 1 if any
              bench mesh [--tasks N] [--rate R] [--keep]
                                    drive the mesh with N tasks (default 2000) and print throughput and latencies
              bench door [--seconds S] [--rate R] [--flood-rate F] [--keep]
                                    another key's POST /tasks and completion latency (p50/p99) alone and while a
                                    second key floods the front door (default 200 requests/s for 10 s)
              bench validator [--sequential N] [--requests N] [--in-flight N] [--policy P] [--unique] [--keep]
                                    the validator's Kafka round trip (default policy strict): p50/p99 sequential,
                                    verdicts/s with 32 in flight; starts only the broker and the validator
              eval <labelled.jsonl> [--policy NAME] [--config DIR] [--misses]
                                    each validator of a policy (default 'default') alone and the chain on labelled
                                    steps: precision, recall, FPR, recall at 1 %/2 % FPR, AUC, latency; last line JSON
            """;

    private Patinox() {
    }

    public static void main(String[] args) {
        if (args.length == 0 || List.of("-h", "--help", "help").contains(args[0])) {
            System.out.print(USAGE);
            return;
        }
        List<String> rest = new ArrayList<>(Arrays.asList(args).subList(1, args.length));
        try {
            int code = run(args[0], rest);
            System.exit(code);
        } catch (IllegalArgumentException | IllegalStateException e) {
            System.err.println("patinox " + args[0] + ": " + e.getMessage());
            System.exit(1);
        }
    }

    static int run(String command, List<String> args) {
        Workspace ws = Workspace.current();
        LocalMesh mesh = new LocalMesh(ws, System.out::println);
        switch (command) {
            case "up" -> mesh.up();
            case "down" -> mesh.down();
            case "status" -> mesh.status();
            case "demo" -> {
                return demo(mesh, args.contains("--keep"));
            }
            case "submit" -> {
                return submit(mesh, args);
            }
            case "broker" -> broker(args);
            case "eval" -> {
                return EvalCommand.run(ws, args);
            }
            case "proposals" -> {
                return new ProposalsCommand(java.net.URI.create("http://127.0.0.1:"
                        + ServiceSpec.named("evolution").port() + "/"), System.out::println).run(args);
            }
            case "review" -> {
                return new ReviewCommand(ExecutorApi.local(ws), System.out::println).run(args);
            }
            case "check-config" -> {
                return CheckConfigCommand.run(args, ws.sampleConfig(), System.out::println, System.err::println);
            }
            case "bench" -> {
                if (!args.isEmpty() && args.get(0).equals("door")) {
                    return DoorBench.command(mesh, ws, args);
                }
                if (!args.isEmpty() && args.get(0).equals("validator")) {
                    return ValidatorBench.command(mesh, args.subList(1, args.size()));
                }
                return MeshBench.command(mesh, ws, args);
            }
            default -> throw new IllegalArgumentException("unknown command '" + command + "'\n" + USAGE);
        }
        return 0;
    }

    static int demo(LocalMesh mesh, boolean keep) {
        boolean wasUp = mesh.isUp();
        if (!wasUp) {
            System.out.println("Starting the mesh...");
            mesh.up();
        }
        System.out.println();
        try {
            boolean ok = new Demo(System.out::println).run(mesh.bootstrap(), "support", Demo.SAMPLE_TASKS,
                    Duration.ofSeconds(120));
            System.out.println();
            boolean workflow = new WorkflowDemo(System.out::println).run(mesh.bootstrap(), Duration.ofSeconds(120));
            return ok && workflow ? 0 : 1;
        } finally {
            if (!wasUp && !keep) {
                System.out.println();
                mesh.down();
            }
        }
    }

    static int submit(LocalMesh mesh, List<String> args) {
        String agent = option(args, "--agent", "support");
        boolean wait = !args.remove("--no-wait");
        if (args.isEmpty()) {
            throw new IllegalArgumentException("submit needs the task text: ./patinox submit \"What is 2 + 2?\"");
        }
        String text = String.join(" ", args);
        if (!wait) {
            try (MeshClient client = MeshClient.open(mesh.bootstrap())) {
                String id = "task-" + UUID.randomUUID();
                client.submit(TaskSubmitted.of(id, agent, text));
                System.out.println(id);
            }
            return 0;
        }
        boolean ok = new Demo(System.out::println).run(mesh.bootstrap(), agent, List.of(text), Duration.ofSeconds(60));
        return ok ? 0 : 1;
    }

    static void broker(List<String> args) {
        int port = Integer.parseInt(option(args, "--port", "9092"));
        int controllerPort = Integer.parseInt(option(args, "--controller-port", "9093"));
        Path data = Path.of(option(args, "--data", ".patinox/kafka")).toAbsolutePath();
        LocalBroker broker = LocalBroker.start(LocalBroker.Options.persistent("127.0.0.1", port, controllerPort, data));
        var created = TopicSetup.ensureAll(broker.bootstrapServers());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "patinox-broker-stop"));
        System.out.printf("%s%s (started in %d ms, %d topics created, data in %s)%n", LocalMesh.BROKER_READY,
                broker.bootstrapServers(), broker.startupTime().toMillis(), created.size(), data);
        System.out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Removes {@code name value} from args and returns the value, or the default. */
    static String option(List<String> args, String name, String defaultValue) {
        int i = args.indexOf(name);
        if (i < 0) {
            return defaultValue;
        }
        if (i + 1 >= args.size()) {
            throw new IllegalArgumentException(name + " needs a value");
        }
        String value = args.get(i + 1);
        args.remove(i + 1);
        args.remove(i);
        return value;
    }
}
