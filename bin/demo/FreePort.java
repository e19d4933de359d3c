import java.net.ServerSocket;

/** Prints a TCP port that is free on this machine right now. */
public final class FreePort {
    public static void main(String[] args) throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            System.out.println(socket.getLocalPort());
        }
    }
}
