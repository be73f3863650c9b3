package io.patinox.evolution.service;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * A proposed change before it is committed: which rule fired, for which agent and config version, the files to
 * change (paths relative to the config directory, full new content) and the evidence behind it.
 *
 * @param key identifies the proposal: the same rule firing on the same facts gives the same key
 * @param kind the rule, e.g. {@code raise-deadline}, {@code add-known-attacks}
 * @param agent the agent concerned
 * @param baseVersion the config version the aggregates were measured on
 * @param summary one line for a reviewer
 * @param changes path (relative to the config directory) to new content
 * @param evidence what justified it
 */
public record Draft(String key, String kind, String agent, String baseVersion, String summary,
        Map<String, String> changes, Map<String, String> evidence) {

    /** The proposal's id: derived from the key, so the same facts never open it twice, even across restarts. */
    public String id() {
        return idOf(key);
    }

    /** Twelve hex digits of the SHA-256 of {@code key}. */
    public static String idOf(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
