package io.patinox.executor.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/**
 * One YAML file of the config directory, read: its text (for line numbers) and its tree. Agent and workflow files
 * are read alike, and refused alike when they cannot be read, are not YAML or are empty.
 *
 * @param file the file
 * @param text its text
 * @param tree its YAML tree, never empty
 */
public record YamlFile(Path file, String text, JsonNode tree) {

    private static final YAMLMapper YAML = new YAMLMapper();

    /**
     * Reads {@code file}; {@code invalid} makes the exception that refuses it from a message that starts with the
     * file, and the cause.
     */
    public static YamlFile read(Path file, BiFunction<String, Throwable, ? extends InvalidConfig> invalid) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw invalid.apply(file + ": cannot read: " + e.getMessage(), e);
        }
        JsonNode tree;
        try {
            tree = YAML.readTree(bytes);
        } catch (JsonProcessingException e) {
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            throw invalid.apply(file + ": not valid YAML" + line + ": " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw invalid.apply(file + ": cannot read: " + e.getMessage(), e);
        }
        if (tree == null || tree.isMissingNode() || tree.isNull()) {
            throw invalid.apply(file + ": the file is empty", null);
        }
        return new YamlFile(file, new String(bytes, StandardCharsets.UTF_8), tree);
    }

    /** The name the file is named for: its file name without {@code .yaml} or {@code .yml}. */
    public String baseName() {
        return file.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    }
}
