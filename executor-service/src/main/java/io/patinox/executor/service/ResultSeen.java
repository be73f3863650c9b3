package io.patinox.executor.service;

import io.patinox.contracts.events.RunResult;

/**
 * A CDI event: a run ended, as read from {@code patinox.results} (this executor's runs and every other's). Fired on
 * the journal's reader thread; observers must not block.
 */
public record ResultSeen(RunResult result) {
}
