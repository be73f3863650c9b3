package io.patinox.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.events.Event;
import io.patinox.contracts.json.Json;
import io.patinox.contracts.json.SchemaGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The committed schemas under {@code contracts/schemas/} must be exactly what the records generate.
 * After a deliberate change, regenerate them with
 * {@code ./mvnw -pl contracts test -Dtest=SchemaDriftTest -Dpatinox.schemas.update=true}.
 */
class SchemaDriftTest {

    private static final Path DIR = Path.of(System.getProperty("patinox.schemas.dir", "schemas"));

    @Test
    void committedSchemasMatchTheRecords() throws IOException {
        Map<String, String> generated = SchemaGenerator.generateAll();
        if (Boolean.getBoolean("patinox.schemas.update")) {
            SchemaGenerator.main(new String[] { DIR.toString() });
        }
        assertThat(generated).hasSize(Event.class.getPermittedSubclasses().length);
        for (var e : generated.entrySet()) {
            Path file = DIR.resolve(e.getKey());
            assertThat(file).as("schema %s is committed (regenerate with -Dpatinox.schemas.update=true)", file)
                    .exists();
            assertThat(Files.readString(file, StandardCharsets.UTF_8))
                    .as("%s has drifted from its record; regenerate with -Dpatinox.schemas.update=true "
                            + "and bump SCHEMA_VERSION if the change is breaking", file)
                    .isEqualTo(e.getValue());
        }
        try (Stream<Path> files = Files.list(DIR)) {
            assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".schema.json")))
                    .as("no stale schema files").containsExactlyInAnyOrderElementsOf(generated.keySet());
        }
    }

    @Test
    void schemasDescribeRequiredFieldsAndVersion() throws IOException {
        JsonNode task = Json.mapper().readTree(SchemaGenerator.generateAll().get("TaskSubmitted.schema.json"));
        assertThat(task.at("/properties/schemaVersion/const").asInt()).isEqualTo(1);
        assertThat(task.get("required").toString()).contains("taskId", "agent", "input").doesNotContain("metadata");
        assertThat(task.get("additionalProperties").asBoolean()).isFalse();
        JsonNode reply = Json.mapper().readTree(SchemaGenerator.generateAll().get("ValidationReply.schema.json"));
        assertThat(reply.at("/$defs/Verdict/oneOf")).hasSize(5);
        assertThat(reply.at("/$defs/VerdictBlock/properties/kind/const").asText()).isEqualTo("block");
    }
}
