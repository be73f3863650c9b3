package io.patinox.executor.rest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ApiKeysTest {

    @Test
    void headerWinsOverBearer() {
        assertThat(ApiKeys.presented(" k1 ", "Bearer k2")).contains("k1");
        assertThat(ApiKeys.presented(null, "Bearer k2")).contains("k2");
        assertThat(ApiKeys.presented("", "bearer   k3 ")).contains("k3");
        assertThat(ApiKeys.presented(null, "Basic abc")).isEmpty();
        assertThat(ApiKeys.presented(null, "Bearer ")).isEmpty();
        assertThat(ApiKeys.presented(null, null)).isEmpty();
    }

    @Test
    void onlyConfiguredKeysAreAccepted() {
        ApiKeys keys = new ApiKeys(List.of(" alpha", "beta ", ""));
        assertThat(keys.none()).isFalse();
        assertThat(keys.accepts("alpha")).isTrue();
        assertThat(keys.accepts("beta")).isTrue();
        assertThat(keys.accepts("alph")).isFalse();
        assertThat(keys.accepts("")).isFalse();
    }

    @Test
    void blankKeysMeanNone() {
        assertThat(new ApiKeys(List.of(" ", "")).none()).isTrue();
        assertThat(new ApiKeys(List.of()).accepts("anything")).isFalse();
    }
}
