package dev.portway.storage.users;

/** Only an active user's tokens authenticate; suspended users are paused, disabled ones are off for good. */
public enum UserStatus {
    ACTIVE("active"),
    SUSPENDED("suspended"),
    DISABLED("disabled");

    private final String dbName;

    UserStatus(String dbName) {
        this.dbName = dbName;
    }

    public String dbName() {
        return dbName;
    }

    public static UserStatus fromDb(String name) {
        for (UserStatus status : values()) {
            if (status.dbName.equals(name)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown user status: " + name);
    }
}
