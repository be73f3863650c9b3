package io.patinox.executor.review;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of human review (prefix {@code patinox.executor.review}); how long a run may wait is each policy's. */
@ConfigMapping(prefix = "patinox.executor.review")
public interface ReviewConfig {

    /**
     * How often suspended runs are checked against their policy's time limit ({@link ReviewService#expire()}); a
     * review is decided by its {@code onTimeout} at most this long after it expired.
     */
    @WithDefault("10s")
    Duration checkInterval();
}
