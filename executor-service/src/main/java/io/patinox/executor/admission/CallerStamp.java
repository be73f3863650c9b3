package io.patinox.executor.admission;

import io.patinox.executor.rest.ApiKeys;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Which API key a task came in with, carried on the task itself: the REST door adds two metadata entries, the key's
 * id and a proof (HMAC-SHA256 of the task id and the key id, keyed with the key). The consumer, on this or another
 * executor, believes the id only when the proof checks out against a configured key, so a client writing to
 * {@code patinox.tasks} directly cannot charge its tasks to someone else's key; its tasks count against their agent.
 * Metadata keys starting with {@value #RESERVED_PREFIX} are refused at the door (docs/adr/0014).
 */
public final class CallerStamp {

    /** Metadata entry holding the id of the key the task came in with ({@link ApiKeys#id}). */
    public static final String KEY_ID = "patinox.apiKey";
    /** Metadata entry holding the proof that the door stamped {@link #KEY_ID}. */
    public static final String PROOF = "patinox.apiKeyProof";
    /** Metadata keys clients may not set. */
    public static final String RESERVED_PREFIX = "patinox.";

    private CallerStamp() {
    }

    /** {@code metadata} with the stamp of {@code key} for task {@code taskId}. */
    public static Map<String, String> stamp(Map<String, String> metadata, String taskId, String key) {
        Map<String, String> stamped = new LinkedHashMap<>(metadata == null ? Map.of() : metadata);
        String id = ApiKeys.id(key);
        stamped.put(KEY_ID, id);
        stamped.put(PROOF, proof(key, taskId, id));
        return stamped;
    }

    /** The id of the key that stamped this task's metadata, if a configured key did; else empty. */
    public static Optional<String> verified(String taskId, Map<String, String> metadata, ApiKeys keys) {
        String id = metadata.get(KEY_ID);
        String proof = metadata.get(PROOF);
        if (id == null || proof == null) {
            return Optional.empty();
        }
        return keys.byId(id).filter(key -> MessageDigest.isEqual(
                proof(key, taskId, id).getBytes(StandardCharsets.US_ASCII), proof.getBytes(StandardCharsets.US_ASCII)))
                .map(key -> id);
    }

    /** Whether the task carries a stamp at all (checked or not). */
    public static boolean stamped(Map<String, String> metadata) {
        return metadata.containsKey(KEY_ID) || metadata.containsKey(PROOF);
    }

    /** The first reserved key of {@code metadata}, if any. */
    public static Optional<String> reservedKey(Map<String, String> metadata) {
        return metadata == null ? Optional.empty()
                : metadata.keySet().stream().filter(k -> k != null && k.startsWith(RESERVED_PREFIX)).findFirst();
    }

    private static String proof(String key, String taskId, String id) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] tag = mac.doFinal(("patinox-task\n" + taskId + "\n" + id).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(tag);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
