package dev.portway.client.inspect;

/**
 * A message body as recorded: its first bytes, up to the inspector's {@code maxBodyBytes}, and how many bytes it had
 * in all (chunk framing removed, content coding kept).
 *
 * @param kept  not to be changed by anyone; shared between the snapshots of one exchange
 * @param size  every byte of the body that crossed; more than {@code kept.length} when the body was truncated
 */
public record RecordedBody(byte[] kept, long size) {
    public static final RecordedBody EMPTY = new RecordedBody(new byte[0], 0);

    public boolean truncated() {
        return size > kept.length;
    }
}
