package dev.portway.storage.db;

import java.util.ArrayList;
import java.util.List;

/** An operating-system account that PostgreSQL processes run as when the JVM itself runs as root. */
record OsUser(String name, int uid, int gid) {
    /** Prefixes a command so that it runs as this user with a clean environment and no supplementary groups. */
    List<String> wrap(List<String> command) {
        List<String> wrapped = new ArrayList<>(List.of(
                "setpriv", "--reuid=" + uid, "--regid=" + gid, "--clear-groups", "--reset-env", "--"));
        wrapped.addAll(command);
        return wrapped;
    }
}
