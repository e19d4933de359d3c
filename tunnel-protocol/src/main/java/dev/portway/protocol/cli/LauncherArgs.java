package dev.portway.protocol.cli;

import java.nio.file.Path;

/**
 * The command line shared by {@code tunnel-server} and {@code tunnel-client}:
 * {@code [-c FILE] [--log-format json|text] [--help] [--version]}.
 *
 * @param logFormat {@code json}, {@code text}, or null when not given: then {@link #effectiveLogFormat} decides
 */
public record LauncherArgs(Path config, String logFormat, boolean help, boolean version) {

    public static String usage(String program, String configName) {
        return """
                Usage: %1$s [-c FILE] [--log-format json|text]
                  -c, --config FILE     read settings from FILE (%2$s)
                      --log-format F    text or json (default: text when stderr is a terminal, else json)
                  -h, --help            print this help and exit
                      --version         print the version and exit
                """.formatted(program, configName);
    }

    /** Parses arguments; throws {@link IllegalArgumentException} with a message fit for the user. */
    public static LauncherArgs parse(String[] args) {
        Path config = null;
        String logFormat = null;
        boolean help = false;
        boolean version = false;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "-c", "--config" -> config = Path.of(value(args, ++i, arg));
                case "--log-format" -> {
                    logFormat = value(args, ++i, arg);
                    if (!logFormat.equals("json") && !logFormat.equals("text")) {
                        throw new IllegalArgumentException("--log-format: expected json or text, got \"" + logFormat + "\"");
                    }
                }
                case "-h", "--help" -> help = true;
                case "--version" -> version = true;
                default -> throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
            }
        }
        return new LauncherArgs(config, logFormat, help, version);
    }

    /**
     * The format asked for, or else readable lines for a person at a terminal and JSON for whatever collects the
     * output of a service (a journal, a file, a log shipper), which parses it.
     */
    public String effectiveLogFormat(boolean stderrIsTerminal) {
        return logFormat != null ? logFormat : stderrIsTerminal ? "text" : "json";
    }

    /** Selects the logback configuration; must run before the first logger is created. */
    public void configureLogging() {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile",
                    "portway-logback-" + effectiveLogFormat(Terminal.stderr()) + ".xml");
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
