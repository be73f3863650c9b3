package io.patinox.executor.messaging;

import io.patinox.contracts.json.ContractViolation;

/** What the executor's consumers of contract records share about the payloads they are handed. */
public final class Payloads {

    private Payloads() {
    }

    /**
     * {@code payload}, which an empty record (a tombstone) leaves null: such a record is no {@code type} and is parked
     * in the channel's dead-letter topic like any record that does not match its contract.
     *
     * @throws ContractViolation when {@code payload} is null
     */
    public static <T> T required(T payload, Class<T> type) {
        if (payload == null) {
            throw new ContractViolation("empty message in " + type.getSimpleName(), null, null);
        }
        return payload;
    }
}
