package io.patinox.analyzer.messaging;

import io.patinox.analyzer.service.Contribution;

/**
 * The result of decoding one consumed record: either its contribution, or the original bytes and why they were
 * refused.
 */
record Decoded(Contribution contribution, byte[] raw, String reason) {

    static Decoded ok(Contribution contribution) {
        return new Decoded(contribution, null, null);
    }

    static Decoded refused(byte[] raw, String reason) {
        return new Decoded(null, raw, reason);
    }

    boolean isOk() {
        return contribution != null;
    }
}
