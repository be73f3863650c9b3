package io.patinox.executor.workflow;

import io.patinox.executor.config.InvalidConfig;

/** A workflow file that cannot be used; the message starts with the file and names the field and its line. */
public class InvalidWorkflowConfig extends InvalidConfig {

    public InvalidWorkflowConfig(String message, Throwable cause) {
        super(message, cause);
    }
}
