package io.patinox.analyzer.messaging;

import io.patinox.analyzer.service.Contribution;

/**
 * The result of decoding one consumed record: either the event and its contribution, or the original bytes and
 * why they were refused.
 */
record Decoded(io.patinox.contracts.events.Event event, Contribution contribution, byte[] raw, String reason) {

    static Decoded ok(io.patinox.contracts.events.Event event, Contribution contribution) {
        return new Decoded(event, contribution, null, null);
    }

    static Decoded refused(byte[] raw, String reason) {
        return new Decoded(null, null, raw, reason);
    }

    boolean isOk() {
        return contribution != null;
    }
}
