package io.patinox.executor;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.not;

import io.patinox.testkit.KafkaBrokerResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Test;

/**
 * The front door with API-key authentication on, as in production. It shares {@link FrontDoorTest}'s profile (keys,
 * limits and quotas), so both run in one application start.
 */
@QuarkusTest
@TestProfile(FrontDoorTest.Door.class)
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(FakeOpenAiServer.class)
class AuthTest {

    static final String BODY = "{\"agent\":\"calc\",\"input\":\"What is 6 * 7?\"}";

    @Test
    void noKeyIsRefused() {
        given().contentType("application/json").body(BODY).post("/tasks").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("error", containsString("missing API key"));
        given().get("/runs/whatever").then().statusCode(401);
    }

    @Test
    void wrongKeyIsRefused() {
        given().header("X-API-Key", "key-three").contentType("application/json").body(BODY).post("/tasks")
                .then().statusCode(401).body("error", containsString("invalid API key"));
        given().header("Authorization", "Bearer " + FrontDoorTest.PLAIN + "x").get("/runs/whatever").then().statusCode(401);
        given().header("Authorization", "Basic a2V5LW9uZTo=").get("/runs/whatever").then().statusCode(401);
    }

    @Test
    void rightKeyIsAccepted() {
        given().header("X-API-Key", FrontDoorTest.PLAIN).contentType("application/json").body(BODY).post("/tasks")
                .then().statusCode(202);
        given().header("Authorization", "Bearer " + FrontDoorTest.PLAIN).contentType("application/json").body(BODY)
                .post("/tasks")
                .then().statusCode(202);
        // Past the door: an unknown run is a 404, not a 401.
        given().header("Authorization", "bearer " + FrontDoorTest.PLAIN).get("/runs/no-such-task").then().statusCode(404);
    }

    @Test
    void healthMetricsAndOpenApiStayOpen() {
        given().get("/q/health/live").then().statusCode(200);
        given().get("/q/health/ready").then().statusCode(not(401));
        given().get("/q/metrics").then().statusCode(200);
        given().get("/q/openapi?format=json").then().statusCode(200);
    }
}
