package io.patinox.contracts.json;

/**
 * A message that does not match its contract: not JSON, an unknown or missing field, a wrong type or an
 * unsupported schema version. Never worth retrying: the consumer parks the message in its dead-letter
 * topic with {@link #getMessage()} as the reason and moves on.
 */
public final class ContractViolation extends RuntimeException {

    private final String field;

    public ContractViolation(String message, String field, Throwable cause) {
        super(message, cause);
        this.field = field;
    }

    /** The JSON path of the offending field (e.g. {@code action.tool}), or null when the whole message is bad. */
    public String field() {
        return field;
    }
}
