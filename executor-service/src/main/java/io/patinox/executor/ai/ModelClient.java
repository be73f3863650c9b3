package io.patinox.executor.ai;

import io.patinox.contracts.events.ModelRef;

/**
 * A model that proposes an agent's next action. The executor only talks to models through this
 * interface: the scripted offline model today, OpenAI-compatible endpoints beside it.
 */
public interface ModelClient {

    /** Which model this is, as stamped on step events and results. */
    ModelRef ref();

    /**
     * The next action for the conversation so far.
     *
     * @throws ModelFailure when the model cannot answer (the step becomes a failed step, not a crash)
     */
    ModelTurn propose(ModelRequest request);
}
