package dev.portway.storage.apikeys;

/** An admin sees and changes everything; a user only their own tunnels. */
public enum ApiKeyRole {
    ADMIN("admin"),
    USER("user");

    private final String dbName;

    ApiKeyRole(String dbName) {
        this.dbName = dbName;
    }

    public String dbName() {
        return dbName;
    }

    public static ApiKeyRole fromDb(String name) {
        for (ApiKeyRole role : values()) {
            if (role.dbName.equals(name)) {
                return role;
            }
        }
        throw new IllegalArgumentException("unknown API key role: " + name);
    }
}
