package io.patinox.meshit;

import static org.assertj.core.api.Assertions.assertThat;

import io.patinox.deploy.local.LocalBroker;
import io.patinox.deploy.local.TopicSetup;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The clients' own tests, run from the build so CI runs them: schema checks, the schema-compatibility
 * baseline, and each client against a broker with a fake executor. No services needed, so it runs while the shared
 * mesh's tests run (see {@code junit-platform.properties}), on a broker of its own: the clients' tests expect no
 * executor to answer their tasks, and the shared mesh's executor would.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(1)
class ClientSuitesIT {

    private static LocalBroker broker;

    @BeforeAll
    static void startBroker() {
        broker = LocalBroker.start(LocalBroker.Options.ephemeral());
        TopicSetup.ensureAll(broker.bootstrapServers());
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void theClientFacingSchemasStayCompatibleWithTheBaselineUnlessTheirVersionIsBumped() {
        var r = ClientProcess.run(ClientProcess.ROOT, Map.of(), Duration.ofSeconds(60),
                ClientProcess.PYTHON, "clients/schema-baseline/compat.py");
        assertThat(r.exitCode()).as("contracts/schemas against clients/schema-baseline:\n%s", r.stdout()).isZero();
    }

    @Test
    void pythonClientTestsPassAgainstTheBroker() {
        ClientProcess.requirePythonClient();
        var r = ClientProcess.run(ClientProcess.ROOT.resolve("clients/python"),
                Map.of("PATINOX_TEST_BOOTSTRAP", broker.bootstrapServers()), Duration.ofSeconds(180),
                ClientProcess.PYTHON, "-m", "unittest", "discover", "-s", "tests", "-v");
        System.out.println(r.describe());
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stderr()).as("no test may be skipped here").doesNotContain("skipped");
        assertThat(r.stderr()).contains("ClientAgainstABroker").containsPattern("Ran \\d+ tests");
    }

    @Test
    void typescriptClientBuildsAndItsTestsPassAgainstTheBroker() {
        assertThat(Files.isDirectory(ClientProcess.ROOT.resolve("clients/typescript/node_modules/kafkajs")))
                .as("the TypeScript client's dependencies are missing: npm ci --prefix clients/typescript").isTrue();
        var r = ClientProcess.run(ClientProcess.ROOT.resolve("clients/typescript"),
                Map.of("PATINOX_TEST_BOOTSTRAP", broker.bootstrapServers()), Duration.ofSeconds(240),
                "npm", "test");
        System.out.println(r.describe());
        assertThat(r.exitCode()).as(r.describe()).isZero();
        assertThat(r.stdout()).containsPattern("# pass \\d+").contains("# fail 0").contains("# skipped 0");
    }
}
