package io.patinox.meshit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reading what the deployment is made of: kustomize output rendered by the real {@code kubectl}, YAML files,
 * and the services' {@code application.properties} (to know which environment variable feeds which setting).
 */
final class Manifests {

    static final Path ROOT = Path.of(System.getProperty("patinox.home", "../../..")).toAbsolutePath().normalize();
    static final Path K8S = ROOT.resolve("deploy/k8s");
    static final ObjectMapper YAML = new YAMLMapper();

    private Manifests() {
    }

    /** The overlays under {@code deploy/k8s/overlays}, each a folder with a kustomization. */
    static List<Path> overlays() {
        try (Stream<Path> dirs = Files.list(K8S.resolve("overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code kubectl kustomize dir}, parsed into its documents. */
    static List<JsonNode> render(Path dir) {
        ProcessBuilder pb = new ProcessBuilder("kubectl", "kustomize", dir.toString());
        String out;
        String err;
        try {
            Process p = pb.start();
            p.getOutputStream().close();
            var stdout = p.getInputStream();
            var stderr = p.getErrorStream();
            byte[][] both = new byte[2][];
            Thread t = new Thread(() -> {
                try {
                    both[1] = stderr.readAllBytes();
                } catch (IOException e) {
                    both[1] = e.toString().getBytes(StandardCharsets.UTF_8);
                }
            });
            t.start();
            both[0] = stdout.readAllBytes();
            t.join(30_000);
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("kubectl kustomize " + dir + " did not finish in 60 s");
            }
            out = new String(both[0], StandardCharsets.UTF_8);
            err = both[1] == null ? "" : new String(both[1], StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                throw new IllegalStateException("kubectl kustomize " + ROOT.relativize(dir) + " failed:\n" + err);
            }
        } catch (IOException e) {
            throw new IllegalStateException("kubectl is needed to render deploy/k8s (it renders kustomize offline): " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        return readAll(out);
    }

    /** Every non-empty document of a multi-document YAML text. */
    static List<JsonNode> readAll(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (var parser = new YAMLFactory().createParser(yaml)) {
            var it = YAML.readValues(parser, JsonNode.class);
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && !doc.isNull() && !doc.isMissingNode()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return docs;
    }

    static List<JsonNode> readAll(Path file) {
        try {
            return readAll(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String kind(JsonNode doc) {
        return doc.path("kind").asText();
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    static String id(JsonNode doc) {
        return kind(doc) + "/" + name(doc);
    }

    static List<JsonNode> ofKind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind(d).equals(kind)).toList();
    }

    static Optional<JsonNode> find(List<JsonNode> docs, String kind, String name) {
        return docs.stream().filter(d -> kind(d).equals(kind) && name(d).equals(name)).findFirst();
    }

    static List<JsonNode> list(JsonNode node) {
        List<JsonNode> items = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(items::add);
        }
        return items;
    }

    /** A service's {@code application.properties}, as Quarkus reads it (continuation lines joined). */
    static Properties serviceProperties(String module) {
        Properties props = new Properties();
        try (Reader r = Files.newBufferedReader(ROOT.resolve(module).resolve("src/main/resources/application.properties"))) {
            props.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return props;
    }

    /** The value of a property in the prod profile (what a container runs with), or null. */
    static String prodValue(Properties props, String key) {
        String profiled = props.getProperty("%prod." + key);
        return profiled != null ? profiled : props.getProperty(key);
    }

    private static final Pattern EXPRESSION = Pattern.compile("\\$\\{([^:}]+)(?::[^}]*)?}");

    /**
     * The environment variables that can set {@code key} in a container: the canonical one
     * ({@code kafka.sasl.jaas.config} → {@code KAFKA_SASL_JAAS_CONFIG}) and, when application.properties gives the
     * key a {@code ${VAR:default}} expression, the variable it names (followed through property references).
     */
    static List<String> envNamesFor(Properties props, String key) {
        List<String> names = new ArrayList<>();
        names.add(canonicalEnv(key));
        String value = prodValue(props, key);
        if (value != null) {
            Matcher m = EXPRESSION.matcher(value);
            if (m.find()) {
                String ref = m.group(1);
                if (ref.equals(ref.toUpperCase()) && !ref.contains(".")) {
                    names.add(ref);
                } else if (!ref.equals(key)) {
                    names.addAll(envNamesFor(props, ref));
                }
            }
        }
        return names;
    }

    /** Every {@code ${VAR}} that names an environment variable in the prod view of application.properties. */
    static List<String> environmentReferences(Properties props) {
        List<String> vars = new ArrayList<>();
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith("%") && !key.startsWith("%prod.")) {
                continue;
            }
            Matcher m = EXPRESSION.matcher(props.getProperty(key));
            while (m.find()) {
                String ref = m.group(1);
                if (ref.equals(ref.toUpperCase()) && !ref.contains(".") && !vars.contains(ref)) {
                    vars.add(ref);
                }
            }
        }
        return vars;
    }

    /** SmallRye Config's environment variable name of a property. */
    static String canonicalEnv(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }
}
