package dev.portway.server.backup;

import dev.portway.storage.backup.BackupSummary;
import dev.portway.storage.backup.BackupWriter;
import dev.portway.storage.db.ToolConnection;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * {@code tunnel-server backup --to FILE [-c server.yaml]}: the configuration in the server's database (users, plans,
 * API keys, client tokens as hashes, stored tunnels, claims) as one JSON document. Works while the server runs:
 * with the embedded PostgreSQL it connects to the one the running server started, otherwise it starts it itself.
 */
public final class BackupCommand {
    static final String USAGE = """
            Usage: tunnel-server backup --to FILE [-c server.yaml] [--log-format json|text]
              Writes users, plans, API keys and client tokens (hashes), stored tunnels and claims to FILE (mode 0600)
              as one consistent JSON document, also while the server runs. See docs/operations.md.
            """;

    private BackupCommand() {
    }

    public static int run(List<String> args, PrintStream out, PrintStream err) {
        return DatabaseTool.run("backup", USAGE, args, Set.of("--to"), Set.of(), out, err,
                (line, database, dataDir) -> {
                    Path file = Path.of(line.required("--to"));
                    try (ToolConnection db = ToolConnection.forReading(database, dataDir)) {
                        BackupSummary summary = PrivateFile.write(file,
                                stream -> BackupWriter.write(db.connection(), stream, Instant.now()));
                        out.println("Backup written to " + file + " (schema version " + summary.schemaVersion()
                                + "): " + summary.describe());
                        return 0;
                    }
                });
    }
}
