package io.patinox.analyzer.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.jboss.logging.Logger;

/**
 * A stream thread that dies (an unexpected exception, a fenced producer) is replaced rather than stopping the
 * whole analyzer. Under exactly-once the new thread resumes from the last committed transaction, so nothing is
 * counted twice or lost. Quarkus installs every bean of this type on the Kafka Streams instance.
 */
@ApplicationScoped
public class ReplaceFailedStreamThread implements StreamsUncaughtExceptionHandler {

    private static final Logger LOG = Logger.getLogger(ReplaceFailedStreamThread.class);

    @Override
    public StreamThreadExceptionResponse handle(Throwable exception) {
        LOG.errorf(exception, "A stream thread failed; replacing it (it resumes from the last commit)");
        return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
}
