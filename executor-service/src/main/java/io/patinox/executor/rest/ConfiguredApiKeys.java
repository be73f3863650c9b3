package io.patinox.executor.rest;

import io.patinox.executor.config.ExecutorConfig;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The API keys of {@code patinox.executor.api-keys}, read once: the key filter, the door's throttle and admission share them.
 */
public class ConfiguredApiKeys {

    @Produces
    @Singleton
    ApiKeys apiKeys(ExecutorConfig config) {
        return new ApiKeys(config.apiKeys().orElse(List.of()));
    }
}
