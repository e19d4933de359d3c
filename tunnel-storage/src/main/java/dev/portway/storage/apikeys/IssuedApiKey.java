package dev.portway.storage.apikeys;

/** A freshly issued API key: the only moment its plain value exists. {@link #toString} keeps it out of logs. */
public record IssuedApiKey(String key, ApiKey row) {
    @Override
    public String toString() {
        return "IssuedApiKey[" + row.prefix() + "***, id=" + row.id() + ", role=" + row.role() + "]";
    }
}
