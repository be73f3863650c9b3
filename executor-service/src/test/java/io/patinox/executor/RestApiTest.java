package io.patinox.executor;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.patinox.executor.messaging.ValidationGateway;
import io.patinox.testkit.KafkaBrokerResource;
import io.patinox.testkit.TestValidator;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code POST /tasks} publishes to the tasks topic; {@code GET /runs/{taskId}} shows the run. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class RestApiTest {

    @Inject
    ValidationGateway gateway;

    @Test
    void submitThenReadTheRun() {
        TestValidator.get();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(gateway::isReady);
        String taskId = "rest-" + UUID.randomUUID();
        given().contentType("application/json")
                .body("{\"agent\":\"calc\",\"input\":\"What is 6 * 7?\",\"taskId\":\"" + taskId + "\"}")
                .post("/tasks").then().statusCode(202).body("taskId", equalTo(taskId));

        Awaitility.await().atMost(Duration.ofSeconds(20))
                .untilAsserted(() -> given().get("/runs/" + taskId).then().statusCode(200)
                        .body("state", equalTo("COMPLETED"))
                        .body("result.answer", equalTo("6 × 7 = 42."))
                        .body("steps.size()", equalTo(2)));
    }

    @Test
    void generatedTaskIdAndBadBodies() {
        given().contentType("application/json").body("{\"agent\":\"calc\",\"input\":\"hi\"}")
                .post("/tasks").then().statusCode(202).body("taskId", org.hamcrest.Matchers.notNullValue());
        given().contentType("application/json").body("{\"input\":\"hi\"}").post("/tasks").then().statusCode(400);
        given().get("/runs/no-such-task").then().statusCode(404);
    }

    @Test
    void openApiDescribesTheFrontDoor() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("paths.'/tasks'.post", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/runs/{taskId}'.get", org.hamcrest.Matchers.notNullValue())
                .body("paths.'/runs/{taskId}/steps'.get", org.hamcrest.Matchers.notNullValue());
    }
}
