package dev.portway.server.backup;

import com.fasterxml.jackson.databind.JsonNode;
import dev.portway.storage.backup.BackupException;
import dev.portway.storage.backup.BackupRestorer;
import dev.portway.storage.backup.BackupSummary;
import dev.portway.storage.db.DataDirectoryInUseException;
import dev.portway.storage.db.ToolConnection;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * {@code tunnel-server restore --from FILE [--force] [-c server.yaml]}: loads a backup into the server's database,
 * migrating its schema first (a new data directory gets a new embedded PostgreSQL). Refuses a database that holds
 * configuration unless {@code --force}, which replaces it. Needs the server stopped: a running one would go on
 * serving what it has cached.
 */
public final class RestoreCommand {
    static final String USAGE = """
            Usage: tunnel-server restore --from FILE [--force] [-c server.yaml] [--log-format json|text]
              Loads a backup into the server's database while the server is stopped. Refuses a database that already
              has users, plans, keys, tokens, tunnels or claims; --force deletes those and loads the backup's instead.
            """;

    private RestoreCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return DatabaseTool.run("restore", USAGE, args, Set.of("--from"), Set.of("--force"), out, err,
                (line, database, dataDir) -> {
                    Path file = Path.of(line.required("--from"));
                    JsonNode document;
                    // Read before the database starts: a wrong file fails in a moment, not after seconds of startup.
                    try (InputStream in = Files.newInputStream(file)) {
                        document = BackupRestorer.read(in);
                    }
                    try (ToolConnection db = ToolConnection.forWriting(database, dataDir)) {
                        BackupSummary summary = BackupRestorer.restore(db.connection(), document, line.has("--force"));
                        out.println("Restored " + file + " (schema version " + summary.schemaVersion() + "): "
                                + summary.describe());
                        return 0;
                    } catch (DataDirectoryInUseException e) {
                        throw new BackupException(e.getMessage() + "; stop the server before restoring, since a "
                                + "running server would go on serving what it has cached");
                    }
                });
    }
}
