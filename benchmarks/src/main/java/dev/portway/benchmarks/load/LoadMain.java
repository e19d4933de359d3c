package dev.portway.benchmarks.load;

import dev.portway.storage.db.EmbeddedPostgresServer;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The load tool {@code benchmarks/run.sh} drives: {@code java -jar benchmarks/target/portway-load.jar <command>
 * --option value ...}. Every measuring command prints one line {@code RESULT key=value ...} on stdout; logs go to
 * stderr. Every command is bounded in time.
 *
 * <pre>
 * echo       --port P                                       echo server on 127.0.0.1:P until killed
 * relay      --port P --target H:P --rtt-ms N [--window-bytes B]   delaying relay until killed
 * hold       --target H:P --count N --pids name=pid,...     case 3
 * connrate   --target H:P --workers N --seconds S           case 4
 * throughput --connect H:P --sink-port P --seconds S        case 5
 * rate       --target H:P [--host NAME] --rate R --connections C --seconds S --warmup S   case 6
 * clients    --count N --token T --local-port P --server-log F --pid-file F --idle-seconds S -- server command...  case 7
 * postgres   --dir D                                        the embedded PostgreSQL in D until killed, as the external
 *                                                           database of the hop case's two cluster nodes
 * </pre>
 */
public final class LoadMain {
    private LoadMain() {
    }

    /** Third field of {@code net.ipv4.tcp_rmem}: the most a TCP receive window grows to by autotuning. */
    static long kernelMaxReceiveBuffer() {
        try {
            String[] f = java.nio.file.Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_rmem")).get(0).trim().split("\\s+");
            return Long.parseLong(f[2]);
        } catch (Exception e) {
            return 6L * 1024 * 1024;
        }
    }

    public static void main(String[] argv) throws Exception {
        if (argv.length == 0) {
            System.err.println("usage: portway-load <echo|relay|hold|connrate|throughput|rate|clients|postgres> --option value ...");
            System.exit(2);
        }
        String command = argv[0];
        int dashDash = Arrays.asList(argv).indexOf("--");
        String[] own = dashDash < 0 ? argv : Arrays.copyOf(argv, dashDash);
        Args args = new Args(own, 1);
        String result;
        switch (command) {
            case "echo" -> {
                EchoServer server = new EchoServer(args.integer("port"), args.integer("threads", 2));
                System.out.println("READY echo 127.0.0.1:" + server.port());
                System.out.flush();
                new CountDownLatch(1).await();
                return;
            }
            case "relay" -> {
                new DelayingRelay(args.integer("port"), args.address("target"),
                        java.time.Duration.ofMillis(args.integer("rtt-ms")),
                        Long.parseLong(args.string("window-bytes", String.valueOf(kernelMaxReceiveBuffer()))));
                System.out.println("READY relay 127.0.0.1:" + args.integer("port"));
                System.out.flush();
                new CountDownLatch(1).await();
                return;
            }
            case "postgres" -> {
                EmbeddedPostgresServer postgres = EmbeddedPostgresServer.start(Path.of(args.string("dir")));
                Runtime.getRuntime().addShutdownHook(new Thread(postgres::close, "postgres-stop"));
                System.out.println("READY postgres url=" + postgres.jdbcUrl() + " user=" + postgres.user()
                        + " password=" + postgres.password());
                System.out.flush();
                new CountDownLatch(1).await();
                return;
            }
            case "hold" -> {
                String[] pairs = args.string("pids").split(",");
                String[] names = new String[pairs.length];
                long[] pids = new long[pairs.length];
                for (int i = 0; i < pairs.length; i++) {
                    String[] kv = pairs[i].split("=");
                    names[i] = kv[0];
                    pids[i] = Long.parseLong(kv[1]);
                }
                result = new HoldConnections(args.address("target"), args.integer("count"), names, pids,
                        args.seconds("timeout", 180).toNanos()).run();
            }
            case "connrate" -> result = ConnectRate.run(args.address("target"), args.integer("workers", 16),
                    args.seconds("seconds", 10).toNanos());
            case "throughput" -> result = Throughput.run(args.address("connect"), args.integer("sink-port"),
                    args.seconds("seconds", 10).toNanos());
            case "rate" -> result = new FixedRateHttp(args.address("target"),
                    args.string("host", args.address("target").getHostString()), args.integer("rate"),
                    args.integer("connections", 50), args.seconds("warmup", 2).toNanos(),
                    args.seconds("seconds", 10).toNanos()).run();
            case "clients" -> {
                if (dashDash < 0) {
                    throw new IllegalArgumentException("clients needs -- followed by the server command");
                }
                List<String> serverCommand = Arrays.asList(argv).subList(dashDash + 1, argv.length);
                result = new ManyClients(serverCommand, Path.of(args.string("server-log")),
                        Path.of(args.string("pid-file")), args.integer("count", 1000), args.string("token"),
                        args.integer("local-port"), args.seconds("idle-seconds", 20).toNanos(),
                        args.seconds("timeout", 90).toNanos()).run();
            }
            default -> throw new IllegalArgumentException("unknown command " + command);
        }
        System.out.println("RESULT " + result);
        System.out.flush();
        System.exit(0);
    }
}
