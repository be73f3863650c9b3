package io.patinox.executor.ai;

import io.patinox.contracts.events.Action;
import io.patinox.contracts.events.Usage;
import java.util.Objects;

/** What a model proposed in one call, and what the call cost. */
public record ModelTurn(Action action, Usage usage) {
    public ModelTurn {
        Objects.requireNonNull(action, "action");
        usage = usage == null ? Usage.NONE : usage;
    }
}
