package dev.portway.storage.tokens;

/** A freshly issued client token: the only moment its plain value exists. {@link #toString} keeps it out of logs. */
public record IssuedToken(String token, ClientToken row) {
    @Override
    public String toString() {
        return "IssuedToken[" + row.prefix() + "***, id=" + row.id() + ", userId=" + row.userId() + "]";
    }
}
