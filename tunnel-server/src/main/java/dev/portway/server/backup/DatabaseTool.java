package dev.portway.server.backup;

import dev.portway.protocol.cli.LauncherArgs;
import dev.portway.protocol.config.ConfigException;
import dev.portway.server.cli.CommandLine;
import dev.portway.server.cli.UsageException;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.config.ServerConfigLoader;
import dev.portway.storage.StorageException;
import dev.portway.storage.db.DatabaseConfig;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What {@code backup} and {@code restore} share: the options {@code -c server.yaml} and {@code --log-format}, the
 * database that server.yaml names (the server's {@code database} section and {@code dataDir}), and how a run ends:
 * 0 done, 1 the database or file failed, 2 usage or configuration error.
 */
final class DatabaseTool {
    private static final Set<String> COMMON_VALUES = Set.of("--config", "--log-format");
    private static final Set<String> HELP = Set.of("--help", "-h");

    /** The work of one command, given its parsed arguments and the database to work on. */
    @FunctionalInterface
    interface Work {
        int run(CommandLine line, DatabaseConfig database, Path dataDir)
                throws UsageException, IOException, SQLException;
    }

    private DatabaseTool() {
    }

    static int run(String command, String usage, List<String> args, Set<String> values, Set<String> switches,
                   PrintStream out, PrintStream err, Work work) {
        String prefix = "tunnel-server " + command + ": ";
        Set<String> allValues = new HashSet<>(values);
        allValues.addAll(COMMON_VALUES);
        Set<String> allSwitches = new HashSet<>(switches);
        allSwitches.addAll(HELP);
        try {
            CommandLine line = CommandLine.parse(args, allValues, allSwitches);
            if (HELP.stream().anyMatch(line::has)) {
                out.print(usage);
                return 0;
            }
            line.expectPositional(0, "");
            String logFormat = line.value("--log-format").orElse("json");
            if (!logFormat.equals("json") && !logFormat.equals("text")) {
                throw new UsageException("--log-format: expected json or text, got \"" + logFormat + "\"");
            }
            // Before anything logs: the first logger fixes the configuration.
            LauncherArgs.configureLogging(logFormat);
            Optional<String> configFile = line.value("--config");
            ServerConfig config = configFile.isPresent() ? ServerConfigLoader.load(Path.of(configFile.get()))
                    : ServerConfig.defaults();
            if (!config.database().enabled()) {
                err.println(prefix + "the server's database is disabled (database.enabled: false): it keeps nothing "
                        + "to " + command);
                return 2;
            }
            return work.run(line, config.database().connection(), config.dataDir());
        } catch (UsageException e) {
            err.println(prefix + e.getMessage());
            err.print(usage);
            return 2;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        } catch (StorageException | IOException | SQLException e) {
            err.println(prefix + e.getMessage());
            return 1;
        }
    }
}
