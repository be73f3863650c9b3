package io.patinox.executor.config;

/** An agent file that cannot be used; the message names the file, the field and, where known, the line. */
public class InvalidAgentConfig extends InvalidConfig {

    public InvalidAgentConfig(String message, Throwable cause) {
        super(message, cause);
    }
}
