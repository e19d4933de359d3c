package dev.portway.server.config;

import java.nio.file.Path;

/**
 * Where the public HTTP listeners' access log goes and how much of it is kept. The log rolls over by size into
 * {@code <file>.1}, {@code <file>.2}, …, and the oldest is deleted, so the disk it takes is bounded by
 * {@code maxFiles × maxFileSize}.
 *
 * @param path        the file written to; null means {@link #DEFAULT_FILE} under the data directory (relative paths
 *                    in server.yaml are resolved against the file's directory by the loader)
 * @param maxFileSize a file is rolled over once it is larger than this (looked at once a second, so it may overshoot by
 *                    one second's lines)
 * @param maxFiles    the file itself plus the rolled ones kept: 2 to {@value #MAX_FILES}
 */
public record AccessLogConfig(Path path, long maxFileSize, int maxFiles) {
    public static final Path DEFAULT_FILE = Path.of("logs", "access.log");
    public static final long DEFAULT_MAX_FILE_SIZE = 100L << 20;
    public static final int DEFAULT_MAX_FILES = 10;
    public static final long MIN_FILE_SIZE = 1L << 10;
    public static final long MAX_FILE_SIZE = 10L << 30;
    /** logback's fixed-window rolling keeps at most 20 rolled files. */
    public static final int MAX_FILES = 21;
    public static final AccessLogConfig DEFAULTS = new AccessLogConfig(null, DEFAULT_MAX_FILE_SIZE, DEFAULT_MAX_FILES);

    public AccessLogConfig {
        if (maxFileSize < MIN_FILE_SIZE || maxFileSize > MAX_FILE_SIZE) {
            throw new IllegalArgumentException("accessLog.maxFileSize out of range: " + maxFileSize);
        }
        if (maxFiles < 2 || maxFiles > MAX_FILES) {
            throw new IllegalArgumentException("accessLog.maxFiles must be 2 to " + MAX_FILES + ": " + maxFiles);
        }
    }

    /** The file written to by a server whose data directory is {@code dataDir}. */
    public Path file(Path dataDir) {
        return path != null ? path : dataDir.resolve(DEFAULT_FILE);
    }
}
