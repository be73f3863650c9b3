package io.patinox.meshit;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The fields our manifests may use, per kind, as path patterns: a misspelled field ({@code readinesProbe},
 * {@code partitons}) is otherwise silently ignored by kubectl, Strimzi or KEDA. A pattern segment {@code *} is any
 * key (labels, Kafka config), {@code **} any subtree, {@code []} an array element. Extend the list when a manifest
 * legitimately needs a new field.
 */
final class ManifestFields {

    private static final List<String> METADATA = List.of("apiVersion", "kind", "metadata.name", "metadata.namespace",
            "metadata.labels.*", "metadata.annotations.*");

    private static final List<String> CONTAINER = List.of("name", "image", "imagePullPolicy", "args[]", "command[]",
            "ports[].name", "ports[].containerPort", "ports[].protocol",
            "envFrom[].configMapRef.name", "envFrom[].secretRef.name",
            "env[].name", "env[].value", "env[].valueFrom.secretKeyRef.name", "env[].valueFrom.secretKeyRef.key",
            "env[].valueFrom.configMapKeyRef.name", "env[].valueFrom.configMapKeyRef.key",
            "resources.requests.cpu", "resources.requests.memory", "resources.limits.cpu", "resources.limits.memory",
            "securityContext.allowPrivilegeEscalation", "securityContext.readOnlyRootFilesystem",
            "securityContext.runAsNonRoot", "securityContext.runAsUser", "securityContext.runAsGroup",
            "securityContext.capabilities.drop[]",
            "volumeMounts[].name", "volumeMounts[].mountPath", "volumeMounts[].readOnly", "volumeMounts[].subPath");

    private static final List<String> PROBE = List.of("httpGet.path", "httpGet.port", "initialDelaySeconds",
            "periodSeconds", "timeoutSeconds", "failureThreshold", "successThreshold");

    private static final List<String> POD = List.of("enableServiceLinks", "automountServiceAccountToken",
            "terminationGracePeriodSeconds", "serviceAccountName",
            "securityContext.runAsNonRoot", "securityContext.runAsUser", "securityContext.runAsGroup",
            "securityContext.fsGroup", "securityContext.seccompProfile.type",
            "volumes[].name", "volumes[].emptyDir.sizeLimit", "volumes[].emptyDir.medium", "volumes[].secret.secretName",
            "volumes[].secret.items[].key", "volumes[].secret.items[].path", "volumes[].secret.defaultMode",
            "volumes[].configMap.name");

    private static final List<String> SELECTOR = List.of("matchLabels.*", "matchExpressions[].key",
            "matchExpressions[].operator", "matchExpressions[].values[]");

    private static final List<String> KAFKA_STORAGE = List.of("type", "volumes[].id", "volumes[].type",
            "volumes[].size", "volumes[].sizeLimit", "volumes[].deleteClaim", "volumes[].kraftMetadata", "volumes[].class");

    static final Map<String, List<String>> ALLOWED = Map.ofEntries(
            Map.entry("Deployment", concat(METADATA,
                    List.of("spec.replicas", "spec.revisionHistoryLimit", "spec.strategy.**"),
                    prefix("spec.selector.", SELECTOR), List.of("spec.template.metadata.labels.*",
                            "spec.template.metadata.annotations.*"),
                    prefix("spec.template.spec.", POD),
                    prefix("spec.template.spec.containers[].", CONTAINER),
                    prefix("spec.template.spec.initContainers[].", CONTAINER),
                    prefix("spec.template.spec.containers[].startupProbe.", PROBE),
                    prefix("spec.template.spec.containers[].readinessProbe.", PROBE),
                    prefix("spec.template.spec.containers[].livenessProbe.", PROBE))),
            Map.entry("Service", concat(METADATA, List.of("spec.type", "spec.selector.*", "spec.ports[].name",
                    "spec.ports[].port", "spec.ports[].targetPort", "spec.ports[].protocol"))),
            Map.entry("PodDisruptionBudget", concat(METADATA, List.of("spec.maxUnavailable", "spec.minAvailable"),
                    prefix("spec.selector.", SELECTOR))),
            Map.entry("ConfigMap", concat(METADATA, List.of("data.*"))),
            Map.entry("Secret", concat(METADATA, List.of("type", "data.*", "stringData.*"))),
            Map.entry("Kafka", concat(METADATA, List.of("spec.kafka.version", "spec.kafka.metadataVersion",
                    "spec.kafka.listeners[].name", "spec.kafka.listeners[].port", "spec.kafka.listeners[].type",
                    "spec.kafka.listeners[].tls", "spec.kafka.listeners[].authentication.type",
                    "spec.kafka.authorization.type", "spec.kafka.authorization.superUsers[]", "spec.kafka.config.*",
                    "spec.kafka.rack.topologyKey", "spec.entityOperator.topicOperator", "spec.entityOperator.userOperator",
                    "spec.entityOperator.topicOperator.**", "spec.entityOperator.userOperator.**",
                    "spec.cruiseControl"))),
            Map.entry("KafkaNodePool", concat(METADATA, List.of("spec.replicas", "spec.roles[]",
                    "spec.resources.requests.cpu", "spec.resources.requests.memory", "spec.resources.limits.cpu",
                    "spec.resources.limits.memory"), prefix("spec.storage.", KAFKA_STORAGE))),
            Map.entry("KafkaTopic", concat(METADATA, List.of("spec.topicName", "spec.partitions", "spec.replicas",
                    "spec.config.*"))),
            Map.entry("KafkaUser", concat(METADATA, List.of("spec.authentication.type", "spec.authorization.type",
                    "spec.authorization.acls[].resource.type", "spec.authorization.acls[].resource.name",
                    "spec.authorization.acls[].resource.patternType", "spec.authorization.acls[].operations[]",
                    "spec.authorization.acls[].host"))),
            Map.entry("ScaledObject", concat(METADATA, List.of("spec.scaleTargetRef.name", "spec.minReplicaCount",
                    "spec.maxReplicaCount", "spec.pollingInterval", "spec.cooldownPeriod",
                    "spec.advanced.horizontalPodAutoscalerConfig.behavior.**", "spec.triggers[].type",
                    "spec.triggers[].metadata.bootstrapServers", "spec.triggers[].metadata.consumerGroup",
                    "spec.triggers[].metadata.topic", "spec.triggers[].metadata.lagThreshold",
                    "spec.triggers[].metadata.activationLagThreshold", "spec.triggers[].metadata.offsetResetPolicy",
                    "spec.triggers[].metadata.sasl", "spec.triggers[].metadata.tls",
                    "spec.triggers[].authenticationRef.name"))),
            Map.entry("TriggerAuthentication", concat(METADATA, List.of("spec.secretTargetRef[].parameter",
                    "spec.secretTargetRef[].name", "spec.secretTargetRef[].key", "spec.env[].parameter",
                    "spec.env[].name", "spec.env[].containerName"))),
            Map.entry("HorizontalPodAutoscaler", concat(METADATA, List.of("spec.scaleTargetRef.apiVersion",
                    "spec.scaleTargetRef.kind", "spec.scaleTargetRef.name", "spec.minReplicas", "spec.maxReplicas",
                    "spec.metrics[].type", "spec.metrics[].pods.metric.name", "spec.metrics[].pods.target.type",
                    "spec.metrics[].pods.target.averageValue", "spec.behavior.**"))),
            Map.entry("ServiceMonitor", concat(METADATA, prefix("spec.selector.", SELECTOR),
                    List.of("spec.endpoints[].port", "spec.endpoints[].path", "spec.endpoints[].interval",
                            "spec.endpoints[].scrapeTimeout"))),
            Map.entry("PrometheusRule", concat(METADATA, List.of("spec.groups[].name", "spec.groups[].interval",
                    "spec.groups[].rules[].alert", "spec.groups[].rules[].record", "spec.groups[].rules[].expr",
                    "spec.groups[].rules[].for", "spec.groups[].rules[].labels.*",
                    "spec.groups[].rules[].annotations.*"))));

    private ManifestFields() {
    }

    /**
     * Problems of one document: an unknown kind, or each unknown field, named at the first segment no pattern of its
     * kind allows, with the fields allowed there.
     */
    static List<String> problems(JsonNode doc) {
        String kind = Manifests.kind(doc);
        List<String> allowed = ALLOWED.get(kind);
        if (allowed == null) {
            return List.of(Manifests.id(doc) + ": kind " + kind + " has no field list in ManifestFields");
        }
        Set<String> problems = new LinkedHashSet<>();
        for (String path : leafPaths(doc, "")) {
            if (allowed.stream().noneMatch(p -> matches(p, path))) {
                String[] segments = split(path);
                int known = 0;
                while (known < segments.length && prefixAllowed(allowed, segments, known + 1)) {
                    known++;
                }
                String parent = String.join(".", Arrays.copyOfRange(segments, 0, known));
                String field = String.join(".", Arrays.copyOfRange(segments, 0, Math.min(known + 1, segments.length)));
                Set<String> siblings = new TreeSet<>();
                for (String p : allowed) {
                    String[] ps = split(p);
                    if (ps.length > known && prefixMatches(ps, segments, known)) {
                        siblings.add(ps[known]);
                    }
                }
                problems.add(Manifests.id(doc) + ": unknown field '" + field.replace('\u00b7', '.') + "'"
                        + (siblings.isEmpty() ? ""
                                : " (allowed under '" + parent.replace('\u00b7', '.') + "': "
                                        + String.join(", ", siblings) + ")"));
            }
        }
        return List.copyOf(problems);
    }

    private static boolean prefixAllowed(List<String> allowed, String[] segments, int length) {
        return allowed.stream().map(ManifestFields::split).anyMatch(p -> (p.length >= length || endsWithAny(p))
                && prefixMatches(p, segments, length));
    }

    private static boolean endsWithAny(String[] pattern) {
        return pattern[pattern.length - 1].equals("**");
    }

    private static boolean prefixMatches(String[] pattern, String[] segments, int length) {
        for (int i = 0; i < length; i++) {
            if (i >= pattern.length) {
                return false;
            }
            if (pattern[i].equals("**")) {
                return true;
            }
            if (!pattern[i].equals("*") && !pattern[i].equals(segments[i])) {
                return false;
            }
        }
        return true;
    }

    static List<String> leafPaths(JsonNode node, String at) {
        List<String> paths = new ArrayList<>();
        if (node.isObject() && node.size() > 0) {
            // A key with dots (a label, a Kafka setting) is one segment: its dots become middle dots.
            node.fields().forEachRemaining(e -> {
                String key = e.getKey().replace('.', '\u00b7');
                paths.addAll(leafPaths(e.getValue(), at.isEmpty() ? key : at + "." + key));
            });
        } else if (node.isArray() && node.size() > 0) {
            node.forEach(item -> paths.addAll(leafPaths(item, at + "[]")));
        } else {
            paths.add(at);
        }
        return paths.stream().distinct().toList();
    }

    static boolean matches(String pattern, String path) {
        String[] p = split(pattern);
        String[] s = split(path);
        for (int i = 0; i < p.length; i++) {
            if (p[i].equals("**")) {
                return true;
            }
            if (i >= s.length) {
                return false;
            }
            if (!p[i].equals("*") && !p[i].equals(s[i])) {
                return false;
            }
        }
        return p.length == s.length;
    }

    private static String[] split(String path) {
        return path.split("\\.");
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        return Stream.of(lists).flatMap(List::stream).toList();
    }

    private static List<String> prefix(String prefix, List<String> paths) {
        return paths.stream().map(p -> prefix + p).toList();
    }
}
