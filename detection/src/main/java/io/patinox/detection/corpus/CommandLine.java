package io.patinox.detection.corpus;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The command line of the corpus and training tools: two arguments, then options, each {@code --name value}; a later
 * option of the same name wins.
 */
public final class CommandLine {

    private final String[] args;
    private final Map<String, String> options = new HashMap<>();

    private CommandLine(String[] args, List<String> known) {
        this.args = args;
        for (int i = 2; i < args.length; i++) {
            if (!known.contains(args[i])) {
                throw new IllegalArgumentException("unknown option " + args[i]);
            }
            if (i + 1 == args.length) {
                throw new IllegalArgumentException("option " + args[i] + " needs a value");
            }
            options.put(args[i], args[++i]);
        }
    }

    /**
     * Reads {@code args}, whose options may be the {@code known} ones. With fewer than two arguments, prints
     * {@code usage} and exits with status 2.
     */
    public static CommandLine parse(String[] args, String usage, String... known) {
        if (args.length < 2) {
            System.err.println(usage);
            System.exit(2);
        }
        return new CommandLine(args, List.of(known));
    }

    /** The first ({@code 0}) or second ({@code 1}) argument. */
    public String argument(int index) {
        return args[index];
    }

    /**
     * The value of option {@code name} read by {@code parse}, or {@code fallback} when it is not given; a value
     * {@code parse} refuses is reported with the option's name.
     */
    public <T> T option(String name, Function<String, T> parse, T fallback) {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        try {
            return parse.apply(value);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("option " + name + ": cannot read '" + value + "' (" + e.getMessage() + ")",
                    e);
        }
    }
}
