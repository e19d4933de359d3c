package dev.portway.protocol.cli;

import java.nio.file.Path;

/**
 * The command line shared by {@code tunnel-server} and {@code tunnel-client}:
 * {@code [-c FILE] [--check] [--log-format json|text] [--help] [--version]}.
 *
 * @param logFormat {@code json}, {@code text}, or null when not given: then {@link #effectiveLogFormat} decides
 * @param check     validate the configuration file and exit, starting nothing
 */
public record LauncherArgs(Path config, String logFormat, boolean help, boolean version, boolean check) {

    public static String usage(String program, String configName) {
        return """
                Usage: %1$s [-c FILE] [--check] [--log-format json|text]
                  -c, --config FILE     read settings from FILE (%2$s)
                      --check           check FILE and exit: 0 and "ok: FILE" when it is valid, 2 otherwise
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
        boolean check = false;
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
                case "--check" -> check = true;
                default -> throw new IllegalArgumentException("unknown argument \"" + arg + "\"");
            }
        }
        if (check && config == null) {
            throw new IllegalArgumentException("--check needs -c FILE");
        }
        return new LauncherArgs(config, logFormat, help, version, check);
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
        configureLogging(effectiveLogFormat(Terminal.stderr()));
    }

    /** For the other commands of a program: {@code format} is json or text. */
    public static void configureLogging(String format) {
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "portway-logback-" + format + ".xml");
        }
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }
}
