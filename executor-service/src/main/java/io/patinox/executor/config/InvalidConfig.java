package io.patinox.executor.config;

/** A file of the config directory that cannot be used; the message starts with the file. */
public class InvalidConfig extends RuntimeException {

    public InvalidConfig(String message, Throwable cause) {
        super(message, cause);
    }
}
