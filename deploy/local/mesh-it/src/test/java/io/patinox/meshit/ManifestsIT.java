package io.patinox.meshit;

import static io.patinox.meshit.Manifests.find;
import static io.patinox.meshit.Manifests.id;
import static io.patinox.meshit.Manifests.list;
import static io.patinox.meshit.Manifests.name;
import static io.patinox.meshit.Manifests.ofKind;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.patinox.contracts.topics.Topics;
import io.patinox.launcher.ServiceSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Renders every overlay of {@code deploy/k8s} with the real {@code kubectl kustomize} and checks what a cluster
 * would get: hardened Deployments with Quarkus probes, a KafkaTopic per contract topic, every setting a service
 * needs (read from its application.properties) provided by a ConfigMap or Secret, credentials and ACLs that match
 * the services' groups and topics, scaling on the right consumer groups, and alert rules equal to the local ones.
 */
@Execution(ExecutionMode.CONCURRENT)
@Order(2)
class ManifestsIT {

    /** Environment variables of application.properties whose defaults are right in a container, and why. */
    private static final Map<String, String> DEFAULT_IS_RIGHT = Map.of(
            "PATINOX_OTLP_ENABLED", "build-time (quarkus.otel.exporter.otlp.enabled): set when the image is built",
            "PATINOX_ANALYZER_GUARANTEE", "exactly_once_v2 is what production wants",
            "PATINOX_ANALYZER_COMMIT_INTERVAL_MS", "a transaction a second keeps aggregates a second behind at most",
            "PATINOX_IMAGE_REGISTRY", "read at image build time only",
            "PATINOX_GITHUB_TOKEN", "unset in the manifests, where evolution drafts only (PATINOX_EVOLUTION_COMMIT=false);"
                    + " deploy/k8s/README.md says how to open pull requests (a Secret with the token)",
            "PATINOX_GITHUB_REPOSITORY", "unset with the token: no pull requests without a repository to open them in",
            "PATINOX_EXECUTOR_CONCURRENCY", "32 runs at once per pod suits the pod's CPU request; KEDA adds pods on lag",
            "PATINOX_DRAFTER_BASE_URL", "unset: evolution drafts with its rules alone and says so; a drafting model is"
                    + " opt-in (an OpenAI-compatible endpoint in the evolution ConfigMap, its key in a Secret)",
            "PATINOX_DRAFTER_MODEL", "only read when PATINOX_DRAFTER_BASE_URL is set",
            "PATINOX_DRAFTER_API_KEY", "only read when PATINOX_DRAFTER_BASE_URL is set; a Secret, never a ConfigMap");

    private static final Map<String, List<JsonNode>> RENDERED = new LinkedHashMap<>();

    @BeforeAll
    static void render() {
        for (Path overlay : Manifests.overlays()) {
            RENDERED.put(overlay.getFileName().toString(), Manifests.render(overlay));
        }
        assertThat(RENDERED).as("overlays under deploy/k8s/overlays").containsKeys("dev", "prod");
    }

    @Test
    void everyFieldIsOneTheKindKnows() {
        List<String> problems = new ArrayList<>();
        RENDERED.forEach((overlay, docs) -> docs
                .forEach(d -> ManifestFields.problems(d).forEach(p -> problems.add(overlay + ": " + p))));
        Path hpa = Manifests.K8S.resolve("components/keda/hpa-alternative.yaml");
        Manifests.readAll(hpa).forEach(d -> problems.addAll(ManifestFields.problems(d)));
        assertThat(problems).as("fields not in ManifestFields (a typo, or a field to add there)").isEmpty();
    }

    @Test
    void everyServiceHasAHardenedDeploymentWithQuarkusProbesResourcesAServiceAndABudget() {
        RENDERED.forEach((overlay, docs) -> {
            for (ServiceSpec spec : ServiceSpec.ALL) {
                String what = overlay + " " + spec.name();
                JsonNode deployment = find(docs, "Deployment", "patinox-" + spec.name())
                        .orElseThrow(() -> new AssertionError(what + ": no Deployment patinox-" + spec.name()));
                JsonNode pod = deployment.path("spec").path("template").path("spec");
                assertThat(pod.path("securityContext").path("runAsNonRoot").asBoolean()).as(what + " runAsNonRoot").isTrue();
                List<JsonNode> containers = new ArrayList<>(list(pod.path("containers")));
                containers.addAll(list(pod.path("initContainers")));
                for (JsonNode c : containers) {
                    String cw = what + " container " + c.path("name").asText();
                    JsonNode sc = c.path("securityContext");
                    assertThat(sc.path("readOnlyRootFilesystem").asBoolean()).as(cw + " readOnlyRootFilesystem").isTrue();
                    assertThat(
                            sc.path("allowPrivilegeEscalation").isBoolean() && !sc.path("allowPrivilegeEscalation").asBoolean())
                            .as(cw + " allowPrivilegeEscalation: false").isTrue();
                    assertThat(list(sc.path("capabilities").path("drop"))).as(cw + " drops ALL capabilities")
                            .anySatisfy(cap -> assertThat(cap.asText()).isEqualTo("ALL"));
                    for (String kind : List.of("requests", "limits")) {
                        for (String res : List.of("cpu", "memory")) {
                            assertThat(c.path("resources").path(kind).path(res).asText())
                                    .as(cw + " resources." + kind + "." + res)
                                    .isNotBlank();
                        }
                    }
                }
                JsonNode app = list(pod.path("containers")).stream().filter(c -> c.path("name").asText().equals(spec.name()))
                        .findFirst().orElseThrow(() -> new AssertionError(what + ": no container named " + spec.name()));
                int port = Integer
                        .parseInt(Manifests.prodValue(Manifests.serviceProperties(spec.module()), "quarkus.http.port"));
                assertThat(list(app.path("ports"))).as(what + " declares quarkus.http.port as 'http'").anySatisfy(p -> {
                    assertThat(p.path("name").asText()).isEqualTo("http");
                    assertThat(p.path("containerPort").asInt()).isEqualTo(port);
                });
                assertProbe(what, app, "readinessProbe", "/q/health/ready");
                assertProbe(what, app, "livenessProbe", "/q/health/live");
                assertThat(app.path("image").asText()).as(what + " image set by the overlay")
                        .contains("/patinox/patinox-" + spec.name() + ":");
                assertThat(mountOf(app, "/tmp")).as(what + " writable /tmp").isPresent();
                String tmpVolume = mountOf(app, "/tmp").get().path("name").asText();
                assertThat(volume(pod, tmpVolume).path("emptyDir").isObject()).as(what + " /tmp is an emptyDir").isTrue();

                JsonNode service = find(docs, "Service", "patinox-" + spec.name())
                        .orElseThrow(() -> new AssertionError(what + ": no Service"));
                assertThat(selects(service.path("spec").path("selector"), deployment)).as(what + " Service selects the pods")
                        .isTrue();
                assertThat(list(service.path("spec").path("ports")))
                        .anySatisfy(p -> assertThat(p.path("targetPort").asText()).isEqualTo("http"));
                JsonNode pdb = find(docs, "PodDisruptionBudget", "patinox-" + spec.name())
                        .orElseThrow(() -> new AssertionError(what + ": no PodDisruptionBudget"));
                assertThat(selects(pdb.path("spec").path("selector").path("matchLabels"), deployment))
                        .as(what + " PDB selects the pods").isTrue();
            }
        });
    }

    @Test
    void theConfigRepositoryIsAGitSyncedVolumeSharedWithTheService() {
        RENDERED.forEach((overlay, docs) -> {
            for (ServiceSpec spec : ServiceSpec.ALL) {
                String what = overlay + " " + spec.name();
                JsonNode pod = find(docs, "Deployment", "patinox-" + spec.name()).orElseThrow().path("spec").path("template")
                        .path("spec");
                JsonNode app = container(pod, spec.name());
                Map<String, String> env = environment(docs, pod, app);
                String configDir = env.get("PATINOX_CONFIG_DIR");
                assertThat(configDir).as(what + " PATINOX_CONFIG_DIR").isNotBlank();
                JsonNode mount = list(app.path("volumeMounts")).stream()
                        .filter(m -> configDir.startsWith(m.path("mountPath").asText() + "/")).findFirst()
                        .orElseThrow(() -> new AssertionError(what + ": " + configDir + " is on no volume"));
                JsonNode sync = container(pod, "git-sync");
                Map<String, String> syncEnv = environment(docs, pod, sync);
                assertThat(list(sync.path("volumeMounts"))).as(what + " git-sync writes the same volume").anySatisfy(m -> {
                    assertThat(m.path("name").asText()).isEqualTo(mount.path("name").asText());
                    assertThat(m.path("mountPath").asText()).isEqualTo(syncEnv.get("GITSYNC_ROOT"));
                });
                assertThat(configDir).as(what + " reads the checkout git-sync links")
                        .startsWith(syncEnv.get("GITSYNC_ROOT") + "/" + syncEnv.get("GITSYNC_LINK"));
                assertThat(syncEnv.get("GITSYNC_REPO")).as(what + " GITSYNC_REPO").isNotBlank();
                assertThat(list(pod.path("initContainers"))).as(what + " clones before the service starts").anySatisfy(init -> {
                    assertThat(init.path("image").asText()).contains("git-sync");
                    assertThat(environment(docs, pod, init)).containsEntry("GITSYNC_ONE_TIME", "true");
                });
            }
        });
    }

    @Test
    void everyContractTopicHasAKafkaTopicWithItsPartitionsCompactionAndReplication() {
        RENDERED.forEach((overlay, docs) -> {
            JsonNode kafka = ofKind(docs, "Kafka").get(0);
            int brokers = ofKind(docs, "KafkaNodePool").stream()
                    .filter(p -> list(p.path("spec").path("roles")).stream().anyMatch(r -> r.asText().equals("broker")))
                    .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
            int expectedReplicas = overlay.equals("prod") ? 3 : 1;
            assertThat(brokers).as(overlay + " brokers").isGreaterThanOrEqualTo(expectedReplicas);
            Map<String, JsonNode> topics = ofKind(docs, "KafkaTopic").stream()
                    .collect(Collectors.toMap(t -> t.path("spec").path("topicName").asText(name(t)), t -> t));
            assertThat(topics.keySet()).as(overlay + " KafkaTopics = Topics.all()")
                    .containsExactlyInAnyOrderElementsOf(Topics.all().stream().map(Topics.TopicSpec::name).toList());
            for (Topics.TopicSpec spec : Topics.all()) {
                JsonNode t = topics.get(spec.name());
                String what = overlay + " " + spec.name();
                assertThat(t.path("metadata").path("labels").path("strimzi.io/cluster").asText()).as(what + " cluster")
                        .isEqualTo(name(kafka));
                assertThat(t.path("spec").path("partitions").asInt()).as(what + " partitions").isEqualTo(spec.partitions());
                assertThat(t.path("spec").path("replicas").asInt()).as(what + " replicas").isEqualTo(expectedReplicas);
                JsonNode config = t.path("spec").path("config");
                assertThat(config.path("cleanup.policy").asText()).as(what + " cleanup.policy")
                        .isEqualTo(spec.cleanupPolicy());
                if (!spec.compacted() || spec.retention() != null) {
                    assertThat(config.path("retention.ms").asLong()).as(what + " retention.ms").isPositive();
                }
                if (config.has("min.insync.replicas")) {
                    assertThat(config.path("min.insync.replicas").asInt()).as(what + " min.insync.replicas < replicas")
                            .isLessThan(expectedReplicas);
                }
            }
        });
    }

    @Test
    void everySettingAServiceNeedsIsProvidedByItsConfigMapsAndSecrets() {
        RENDERED.forEach((overlay, docs) -> {
            boolean prod = overlay.equals("prod");
            JsonNode kafka = ofKind(docs, "Kafka").get(0);
            for (ServiceSpec spec : ServiceSpec.ALL) {
                String what = overlay + " " + spec.name();
                Properties props = Manifests.serviceProperties(spec.module());
                JsonNode pod = find(docs, "Deployment", "patinox-" + spec.name()).orElseThrow().path("spec").path("template")
                        .path("spec");
                JsonNode app = container(pod, spec.name());
                Map<String, String> env = environment(docs, pod, app);
                Set<String> secretEnv = secretEnvironment(app);

                List<String> required = new ArrayList<>(List.of("kafka.bootstrap.servers", "patinox.config.dir",
                        props.containsKey("quarkus.otel.exporter.otlp.traces.endpoint")
                                ? "quarkus.otel.exporter.otlp.traces.endpoint"
                                : "quarkus.otel.exporter.otlp.endpoint"));
                List<String> secret = new ArrayList<>();
                if (spec.name().equals("executor") || spec.name().equals("validator")) {
                    // The model endpoint: the service's own *.openai.* keys, or quarkus-langchain4j's defaults.
                    List<String> urls = keysEndingWith(props, "openai.base-url");
                    List<String> keys = keysEndingWith(props, "openai.api-key");
                    required.addAll(urls.isEmpty() ? List.of("quarkus.langchain4j.openai.base-url") : urls);
                    secret.addAll(keys.isEmpty() ? List.of("quarkus.langchain4j.openai.api-key") : keys);
                }
                if (spec.name().equals("analyzer")) {
                    required.addAll(List.of("quarkus.kafka-streams.bootstrap-servers", "kafka-streams.state.dir",
                            "kafka-streams.replication.factor"));
                }
                if (prod) {
                    required.addAll(List.of("kafka.security.protocol", "kafka.sasl.mechanism", "kafka.ssl.truststore.type",
                            "kafka.ssl.truststore.location"));
                    secret.add("kafka.sasl.jaas.config");
                    if (spec.name().equals("analyzer")) {
                        required.addAll(List.of("quarkus.kafka-streams.security.protocol",
                                "quarkus.kafka-streams.sasl.mechanism",
                                "quarkus.kafka-streams.ssl.truststore.type", "quarkus.kafka-streams.ssl.truststore.location"));
                        secret.add("quarkus.kafka-streams.sasl.jaas-config");
                    }
                }
                for (String key : required) {
                    assertThat(Manifests.envNamesFor(props, key))
                            .as(what + ": '" + key + "' set by one of these variables; has "
                                    + env.keySet())
                            .anySatisfy(var -> assertThat(env).containsKey(var));
                }
                for (String key : secret) {
                    assertThat(Manifests.envNamesFor(props, key)).as(what + ": '" + key + "' from a Secret")
                            .anySatisfy(var -> assertThat(secretEnv).contains(var));
                }
                for (String var : Manifests.environmentReferences(props)) {
                    if (!DEFAULT_IS_RIGHT.containsKey(var)) {
                        assertThat(env).as(what + ": application.properties reads ${" + var + "}: provide it in the"
                                + " manifests, or say in ManifestsIT.DEFAULT_IS_RIGHT why its default is right")
                                .containsKey(var);
                    }
                }

                // The address and security match a listener of the Kafka cluster.
                String bootstrap = env.get("KAFKA_BOOTSTRAP_SERVERS");
                JsonNode listener = list(kafka.path("spec").path("kafka").path("listeners")).stream()
                        .filter(l -> bootstrap.equals(name(kafka) + "-kafka-bootstrap:" + l.path("port").asInt())).findFirst()
                        .orElseThrow(
                                () -> new AssertionError(what + ": " + bootstrap + " is no listener of Kafka " + name(kafka)));
                boolean scram = listener.path("authentication").path("type").asText().equals("scram-sha-512");
                assertThat(env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT")).as(what + " security protocol")
                        .isEqualTo(listener.path("tls").asBoolean() ? (scram ? "SASL_SSL" : "SSL")
                                : (scram ? "SASL_PLAINTEXT" : "PLAINTEXT"));
                if (scram) {
                    assertThat(env.get("KAFKA_SASL_MECHANISM")).isEqualTo("SCRAM-SHA-512");
                    String truststore = env.get("KAFKA_SSL_TRUSTSTORE_LOCATION");
                    JsonNode mount = list(app.path("volumeMounts")).stream()
                            .filter(m -> truststore.startsWith(m.path("mountPath").asText() + "/")).findFirst()
                            .orElseThrow(() -> new AssertionError(what + ": truststore " + truststore + " is on no volume"));
                    JsonNode vol = volume(pod, mount.path("name").asText());
                    assertThat(vol.path("secret").path("secretName").asText()).as(what + " trusts the cluster CA")
                            .isEqualTo(name(kafka) + "-cluster-ca-cert");
                    assertThat(list(vol.path("secret").path("items")))
                            .anySatisfy(i -> assertThat(truststore).endsWith("/" + i.path("path").asText()));
                }
                if (spec.name().equals("analyzer") && prod) {
                    assertThat(env.get("PATINOX_ANALYZER_REPLICATION")).as(what + " internal topic replication").isEqualTo("3");
                }
            }
        });
    }

    @Test
    void everyEnvironmentReferenceResolves() {
        RENDERED.forEach((overlay, docs) -> {
            JsonNode kafka = ofKind(docs, "Kafka").get(0);
            Set<String> operatorSecrets = ofKind(docs, "KafkaUser").stream().map(Manifests::name).collect(Collectors.toSet());
            operatorSecrets.add(name(kafka) + "-cluster-ca-cert");
            // Kept out of git on purpose; deploy/k8s/README.md says how to create it.
            Set<String> external = overlay.equals("prod") ? Set.of("patinox-model", "patinox-api-keys") : Set.of();
            for (JsonNode d : ofKind(docs, "Deployment")) {
                JsonNode pod = d.path("spec").path("template").path("spec");
                List<JsonNode> containers = new ArrayList<>(list(pod.path("containers")));
                containers.addAll(list(pod.path("initContainers")));
                for (JsonNode c : containers) {
                    String what = overlay + " " + id(d) + " " + c.path("name").asText();
                    for (JsonNode from : list(c.path("envFrom"))) {
                        String cm = from.path("configMapRef").path("name").asText();
                        assertThat(find(docs, "ConfigMap", cm)).as(what + " envFrom ConfigMap " + cm).isPresent();
                    }
                    for (JsonNode e : list(c.path("env"))) {
                        JsonNode ref = e.path("valueFrom").path("secretKeyRef");
                        if (ref.isMissingNode()) {
                            continue;
                        }
                        String secret = ref.path("name").asText();
                        Optional<JsonNode> rendered = find(docs, "Secret", secret);
                        if (rendered.isPresent()) {
                            assertThat(rendered.get().path("data").has(ref.path("key").asText())).as(what + " key of " + secret)
                                    .isTrue();
                        } else {
                            assertThat(operatorSecrets.contains(secret) || external.contains(secret))
                                    .as(what + ": Secret " + secret + " is neither rendered nor made by Strimzi nor documented")
                                    .isTrue();
                        }
                    }
                    for (JsonNode m : list(c.path("volumeMounts"))) {
                        assertThat(volume(pod, m.path("name").asText()).isMissingNode()).as(what + " volume " + m.path("name"))
                                .isFalse();
                    }
                }
                for (JsonNode v : list(pod.path("volumes"))) {
                    if (v.has("secret")) {
                        String s = v.path("secret").path("secretName").asText();
                        assertThat(find(docs, "Secret", s).isPresent() || operatorSecrets.contains(s))
                                .as(overlay + " volume secret " + s).isTrue();
                    }
                }
            }
        });
    }

    @Test
    void eachServiceKafkaUserCoversTheGroupsAndTopicsOfItsProperties() {
        List<JsonNode> docs = RENDERED.get("prod");
        for (ServiceSpec spec : ServiceSpec.ALL) {
            String user = "patinox-" + spec.name();
            JsonNode ku = find(docs, "KafkaUser", user).orElseThrow(() -> new AssertionError("prod: no KafkaUser " + user));
            assertThat(ku.path("spec").path("authentication").path("type").asText()).isEqualTo("scram-sha-512");
            List<JsonNode> acls = list(ku.path("spec").path("authorization").path("acls"));
            Properties props = Manifests.serviceProperties(spec.module());
            Map<String, String> needs = new HashMap<>(); // resource "type:name" -> operation
            Map<String, String> alsoNeeds = new HashMap<>(); // a second operation on the same resource
            // e.g. the validator reads patinox.validation.requests and writes its warm-up requests there
            java.util.function.BiConsumer<String, String> require = (resource, op) -> {
                if (needs.containsKey(resource) && !needs.get(resource).equals(op)) {
                    alsoNeeds.put(resource, op);
                } else {
                    needs.put(resource, op);
                }
            };
            for (String key : props.stringPropertyNames()) {
                String value = props.getProperty(key).trim();
                if (key.startsWith("%")) {
                    continue;
                }
                if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id")) {
                    require.accept("group:" + value, "Read");
                } else if (key.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic")) {
                    require.accept("topic:" + value, "Read");
                } else if (key.matches("mp\\.messaging\\.(outgoing\\.[^.]+|incoming\\.[^.]+\\.dead-letter-queue)\\.topic")) {
                    require.accept("topic:" + value, "Write");
                } else if (key.equals("quarkus.kafka-streams.application-id")) {
                    require.accept("group:" + value, "Read");
                    require.accept("transactionalId:" + value, "Write");
                } else if (key.equals("quarkus.kafka-streams.topics")) {
                    for (String t : value.split("\\s*,\\s*")) {
                        require.accept("topic:" + t,
                                t.startsWith(Topics.PREFIX + "dlq.") || t.equals(Topics.AGGREGATES) ? "Write" : "Read");
                    }
                } else if (key.endsWith(".request-topic") || key.endsWith("default-reply-topic")) {
                    require.accept("topic:" + value, "Write");
                } else if (key.endsWith(".reply-topic")) {
                    require.accept("topic:" + value, "Read");
                } else if (key.equals("patinox.executor.runs.topic")) {
                    require.accept("topic:" + value, "Read");
                    alsoNeeds.put("topic:" + value, "Write");
                }
            }
            assertThat(needs).as(spec.name() + " uses Kafka").isNotEmpty();
            java.util.List<Map.Entry<String, String>> required = new java.util.ArrayList<>(needs.entrySet());
            required.addAll(alsoNeeds.entrySet());
            required.forEach(need -> {
                String resource = need.getKey();
                String op = need.getValue();
                String[] r = resource.split(":", 2);
                assertThat(acls).as("prod KafkaUser " + user + " allows " + op + " on " + resource).anySatisfy(acl -> {
                    JsonNode res = acl.path("resource");
                    assertThat(res.path("type").asText()).isEqualTo(r[0]);
                    assertThat(res.path("patternType").asText().equals("prefix") ? r[1].startsWith(res.path("name").asText())
                            : r[1].equals(res.path("name").asText())).isTrue();
                    assertThat(list(acl.path("operations")).stream().map(JsonNode::asText).toList()).containsAnyOf(op, "All");
                });
            });
        }
    }

    @Test
    void executorsAndValidatorsScaleOnTheLagOfTheGroupTheyConsumeWith() {
        List<JsonNode> docs = RENDERED.get("prod");
        Map<String, String> channel = Map.of("executor", "tasks", "validator", "validation-requests");
        channel.forEach((service, ch) -> {
            Properties props = Manifests.serviceProperties(ServiceSpec.named(service).module());
            JsonNode so = find(docs, "ScaledObject", "patinox-" + service)
                    .orElseThrow(() -> new AssertionError("prod: no ScaledObject for " + service));
            assertThat(so.path("spec").path("scaleTargetRef").path("name").asText()).isEqualTo("patinox-" + service);
            JsonNode trigger = list(so.path("spec").path("triggers")).get(0);
            JsonNode meta = trigger.path("metadata");
            String topic = props.getProperty("mp.messaging.incoming." + ch + ".topic");
            assertThat(meta.path("consumerGroup").asText()).as(service + " consumer group")
                    .isEqualTo(props.getProperty("mp.messaging.incoming." + ch + ".group.id"));
            assertThat(meta.path("topic").asText()).as(service + " topic").isEqualTo(topic);
            int partitions = Topics.all().stream().filter(t -> t.name().equals(topic)).findFirst().orElseThrow().partitions();
            assertThat(so.path("spec").path("maxReplicaCount").asInt()).as(service + " max replicas ≤ partitions")
                    .isBetween(1, partitions);
            JsonNode deployment = find(docs, "Deployment", "patinox-" + service).orElseThrow();
            Map<String, String> env = environment(docs, deployment.path("spec").path("template").path("spec"),
                    container(deployment.path("spec").path("template").path("spec"), service));
            assertThat(meta.path("bootstrapServers").asText()).isEqualTo(env.get("KAFKA_BOOTSTRAP_SERVERS"));
            String auth = trigger.path("authenticationRef").path("name").asText();
            JsonNode ta = find(docs, "TriggerAuthentication", auth)
                    .orElseThrow(() -> new AssertionError("no TriggerAuthentication " + auth));
            assertThat(list(ta.path("spec").path("env"))).allSatisfy(e -> {
                assertThat(e.path("containerName").asText()).isEqualTo(service);
                assertThat(env).containsKey(e.path("name").asText());
            });
            assertThat(list(ta.path("spec").path("secretTargetRef")).stream().map(s -> s.path("parameter").asText()))
                    .contains("password", "ca");
        });
        for (JsonNode hpa : Manifests.readAll(Manifests.K8S.resolve("components/keda/hpa-alternative.yaml"))) {
            assertThat(find(docs, "Deployment", hpa.path("spec").path("scaleTargetRef").path("name").asText())).as(id(hpa))
                    .isPresent();
        }
    }

    @Test
    void monitoringScrapesEveryServiceAndCarriesTheLocalAlertRules() {
        List<JsonNode> docs = RENDERED.get("prod");
        JsonNode monitor = ofKind(docs, "ServiceMonitor").get(0);
        JsonNode expressions = monitor.path("spec").path("selector").path("matchExpressions").get(0);
        List<String> selected = list(expressions.path("values")).stream().map(JsonNode::asText).toList();
        for (ServiceSpec spec : ServiceSpec.ALL) {
            JsonNode service = find(docs, "Service", "patinox-" + spec.name()).orElseThrow();
            assertThat(selected)
                    .contains(service.path("metadata").path("labels").path(expressions.path("key").asText()).asText());
        }
        assertThat(list(monitor.path("spec").path("endpoints"))).allSatisfy(e -> {
            assertThat(e.path("port").asText()).isEqualTo("http");
            assertThat(e.path("path").asText()).isEqualTo("/q/metrics");
        });
        JsonNode rule = ofKind(docs, "PrometheusRule").get(0);
        JsonNode local = Manifests.readAll(Manifests.ROOT.resolve("deploy/prometheus/rules/patinox-alerts.yml")).get(0);
        assertThat(rule.path("spec").path("groups")).as("PrometheusRule = deploy/prometheus/rules/patinox-alerts.yml;"
                + " run deploy/k8s/components/monitoring/sync-rules.sh").isEqualTo(local.path("groups"));
    }

    @Test
    void theCollectorReceivesOtlpWhereTheServicesSendItAndExportsEveryPipeline() {
        JsonNode collector = Manifests.readAll(Manifests.ROOT.resolve("deploy/otel/collector.yaml")).get(0);
        JsonNode pipelines = collector.path("service").path("pipelines");
        assertThat(pipelines.has("traces")).as("a traces pipeline").isTrue();
        pipelines.fields().forEachRemaining(p -> {
            for (String section : List.of("receivers", "processors", "exporters")) {
                assertThat(list(p.getValue().path(section))).as(p.getKey() + " " + section)
                        .allSatisfy(c -> assertThat(collector.path(section).has(c.asText()))
                                .as(section + " defines " + c.asText()).isTrue());
            }
            assertThat(list(p.getValue().path("exporters"))).as(p.getKey() + " exports somewhere").isNotEmpty();
        });
        list(collector.path("service").path("extensions"))
                .forEach(e -> assertThat(collector.path("extensions").has(e.asText())).as("extension " + e.asText()).isTrue());
        String grpc = collector.path("receivers").path("otlp").path("protocols").path("grpc").path("endpoint").asText();
        RENDERED.forEach((overlay, docs) -> {
            String endpoint = "";
            for (JsonNode cm : ofKind(docs, "ConfigMap")) {
                if (cm.path("data").has("OTEL_EXPORTER_OTLP_ENDPOINT")) {
                    endpoint = cm.path("data").path("OTEL_EXPORTER_OTLP_ENDPOINT").asText();
                }
            }
            assertThat(endpoint).as(overlay + " services send OTLP to the collector's gRPC port")
                    .endsWith(":" + grpc.substring(grpc.lastIndexOf(':') + 1));
        });
    }

    private static void assertProbe(String what, JsonNode container, String probe, String path) {
        JsonNode get = container.path(probe).path("httpGet");
        assertThat(get.path("path").asText()).as(what + " " + probe + " path").isEqualTo(path);
        assertThat(get.path("port").asText()).as(what + " " + probe + " port").isEqualTo("http");
    }

    private static JsonNode container(JsonNode pod, String name) {
        return list(pod.path("containers")).stream().filter(c -> c.path("name").asText().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no container " + name));
    }

    private static Optional<JsonNode> mountOf(JsonNode container, String path) {
        return list(container.path("volumeMounts")).stream().filter(m -> m.path("mountPath").asText().equals(path)).findFirst();
    }

    private static JsonNode volume(JsonNode pod, String name) {
        return list(pod.path("volumes")).stream().filter(v -> v.path("name").asText().equals(name)).findFirst()
                .orElse(com.fasterxml.jackson.databind.node.MissingNode.getInstance());
    }

    private static boolean selects(JsonNode selector, JsonNode deployment) {
        JsonNode labels = deployment.path("spec").path("template").path("metadata").path("labels");
        if (!selector.isObject() || selector.size() == 0) {
            return false;
        }
        var it = selector.fields();
        while (it.hasNext()) {
            var e = it.next();
            if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
                return false;
            }
        }
        return true;
    }

    /** A container's environment as the kubelet builds it: envFrom ConfigMaps, then env (secrets as "<secret>"). */
    private static Map<String, String> environment(List<JsonNode> docs, JsonNode pod, JsonNode container) {
        Map<String, String> env = new LinkedHashMap<>();
        for (JsonNode from : list(container.path("envFrom"))) {
            find(docs, "ConfigMap", from.path("configMapRef").path("name").asText())
                    .ifPresent(
                            cm -> cm.path("data").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText())));
        }
        for (JsonNode e : list(container.path("env"))) {
            env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : "<secret>");
        }
        return env;
    }

    private static List<String> keysEndingWith(Properties props, String suffix) {
        return props.stringPropertyNames().stream().filter(k -> !k.startsWith("%") && k.endsWith(suffix)).sorted().toList();
    }

    private static Set<String> secretEnvironment(JsonNode container) {
        return list(container.path("env")).stream().filter(e -> e.path("valueFrom").has("secretKeyRef"))
                .map(e -> e.path("name").asText()).collect(Collectors.toSet());
    }
}
