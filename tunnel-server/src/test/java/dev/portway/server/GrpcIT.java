package dev.portway.server;

import dev.portway.client.config.BackendProtocol;
import dev.portway.client.config.ClientTlsConfig;
import dev.portway.client.config.TunnelConfig;
import dev.portway.protocol.config.HostPort;
import dev.portway.protocol.control.HttpOptions;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelType;
import dev.portway.server.config.Http2Config;
import dev.portway.server.config.HttpConfig;
import dev.portway.server.config.HttpsCertificateConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.testkit.PatternStream;
import dev.portway.server.testkit.Programs;
import dev.portway.server.testkit.RecordingEvents;
import dev.portway.server.testkit.TestCa;
import dev.portway.server.testkit.TunnelFixture;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ClientResponseObserver;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * gRPC through an http tunnel end to end on loopback: a grpc-java server behind a real client with
 * {@code backendProtocol: h2c}, a grpc-java client on the server's public HTTPS port (terminated TLS, ALPN h2). The
 * messages are raw bytes (a byte-array marshaller), so no generated code is needed.
 */
@Timeout(120)
class GrpcIT {
    private static final String HOST = "grpc.example.test";
    /** Served by a gRPC server that speaks TLS, behind a tunnel with backendProtocol h2. */
    private static final String TLS_HOST = "grpcs.example.test";
    private static final String LOCAL_NAME = "grpc.local.test";
    /** The TLS service again, through a tunnel that expects another name in its certificate. */
    private static final String MISNAMED_HOST = "misnamed.example.test";
    /** Served by a gRPC server that takes one stream per connection. */
    private static final String NARROW_HOST = "narrow.example.test";
    private static final long SEED = 1919;
    private static final String SERVICE = "portway.test.Echo";
    private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(byte[] value) {
            return new ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(InputStream stream) {
            try {
                return stream.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    };
    private static final MethodDescriptor<byte[], byte[]> UNARY = method("Unary", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<byte[], byte[]> DOWNLOAD =
            method("Download", MethodDescriptor.MethodType.SERVER_STREAMING);
    private static final MethodDescriptor<byte[], byte[]> UPLOAD =
            method("Upload", MethodDescriptor.MethodType.CLIENT_STREAMING);
    private static final MethodDescriptor<byte[], byte[]> ECHO = method("Echo", MethodDescriptor.MethodType.BIDI_STREAMING);
    private static final MethodDescriptor<byte[], byte[]> REFUSE = method("Refuse", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<byte[], byte[]> HANG = method("Hang", MethodDescriptor.MethodType.UNARY);
    private static final MethodDescriptor<byte[], byte[]> IGNORE =
            method("Ignore", MethodDescriptor.MethodType.CLIENT_STREAMING);
    private static final Metadata.Key<String> REASON = Metadata.Key.of("x-reason", Metadata.ASCII_STRING_MARSHALLER);
    private static final Metadata.Key<byte[]> DETAIL = Metadata.Key.of("x-detail-bin", Metadata.BINARY_BYTE_MARSHALLER);
    private static final int MESSAGES = 10_000;
    private static final int MESSAGE_SIZE = 1000;

    @TempDir
    Path dir;
    private TunnelFixture fixture;
    private TestCa ca;
    private Server grpcServer;
    private Server tlsGrpcServer;
    private Server narrowGrpcServer;
    private final AtomicInteger hangsStarted = new AtomicInteger();
    private ManagedChannel channel;
    private final CountDownLatch hangCancelled = new CountDownLatch(1);
    private final AtomicInteger ignoredMessages = new AtomicInteger();
    private final CompletableFuture<Void> ignoreCancelled = new CompletableFuture<>();

    @BeforeEach
    void setUp() throws Exception {
        fixture = new TunnelFixture();
        ca = TestCa.create("portway-grpc-ca");
        grpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(service())
                .build()
                .start();
        TestCa.PemFiles local = ca.issue(LOCAL_NAME).written(dir, "local");
        tlsGrpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .sslContext(GrpcSslContexts.forServer(local.cert().toFile(), local.key().toFile()).build())
                .addService(service())
                .build()
                .start();
        narrowGrpcServer = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .maxConcurrentCallsPerConnection(1)
                .addService(service())
                .build()
                .start();
        TestCa.PemFiles files = ca.issue(HOST, TLS_HOST, NARROW_HOST, MISNAMED_HOST).written(dir, "web");
        int httpsPort = TunnelFixture.freePort();
        ServerConfig config = fixture.serverConfig(0, Duration.ofSeconds(10), 3)
                .withHttp(new HttpConfig(null, TunnelFixture.freePort(), httpsPort)
                        .withHttps(httpsPort, List.of(new HttpsCertificateConfig(List.of(HOST, TLS_HOST, NARROW_HOST, MISNAMED_HOST),
                                files.cert(),
                                files.key())))
                        .withHttp2(Http2Config.DEFAULTS));
        fixture.startServer(config);
        TunnelConfig tunnel = new TunnelConfig("grpc", TunnelType.HTTP,
                new HostPort("127.0.0.1", grpcServer.getPort()), 0,
                new HttpOptions(null, List.of(HOST), null, null, null, null, null, "terminate"), null)
                .withBackend(BackendProtocol.H2C, null);
        TunnelConfig tlsTunnel = new TunnelConfig("grpcs", TunnelType.HTTP,
                new HostPort("127.0.0.1", tlsGrpcServer.getPort()), 0,
                new HttpOptions(null, List.of(TLS_HOST), null, null, null, null, null, "terminate"), null)
                .withBackend(BackendProtocol.H2, new ClientTlsConfig(null, ca.writeCert(dir.resolve("ca.pem")), false,
                        LOCAL_NAME));
        TunnelConfig narrowTunnel = new TunnelConfig("narrow", TunnelType.HTTP,
                new HostPort("127.0.0.1", narrowGrpcServer.getPort()), 0,
                new HttpOptions(null, List.of(NARROW_HOST), null, null, null, null, null, "terminate"), null)
                .withBackend(BackendProtocol.H2C, null);
        TunnelConfig misnamedTunnel = new TunnelConfig("misnamed", TunnelType.HTTP,
                new HostPort("127.0.0.1", tlsGrpcServer.getPort()), 0,
                new HttpOptions(null, List.of(MISNAMED_HOST), null, null, null, null, null, "terminate"), null)
                .withBackend(BackendProtocol.H2, new ClientTlsConfig(null, dir.resolve("ca.pem"), false,
                        "other.local.test"));
        for (TunnelResult.Status status : fixture.connect("c1", new RecordingEvents(), tunnel, tlsTunnel,
                narrowTunnel, misnamedTunnel)) {
            assertThat(status.accepted()).as(status.toString()).isTrue();
        }
        channel = publicChannel(HOST);
    }

    private ManagedChannel publicChannel(String host) throws IOException {
        return NettyChannelBuilder.forAddress("127.0.0.1", fixture.server().httpsAddress().getPort())
                .overrideAuthority(host)
                .sslContext(GrpcSslContexts.forClient().trustManager(ca.cert()).build())
                .build();
    }

    @AfterEach
    void tearDown() throws Exception {
        if (channel != null) {
            channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
        fixture.close();
        grpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        tlsGrpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        narrowGrpcServer.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }

    @Test
    void unaryServerStreamingClientStreamingAndBidirectionalCallsCarryEveryByte() throws Exception {
        byte[] answer = ClientCalls.blockingUnaryCall(channel, UNARY, CallOptions.DEFAULT,
                "hello".getBytes(StandardCharsets.UTF_8));
        assertThat(new String(answer, StandardCharsets.UTF_8)).isEqualTo("hello, back");

        // Server streaming: 10,000 messages, hashed as they arrive.
        MessageDigest downloaded = PatternStream.newSha256();
        int count = 0;
        Iterator<byte[]> messages = ClientCalls.blockingServerStreamingCall(channel, DOWNLOAD, CallOptions.DEFAULT,
                new byte[0]);
        while (messages.hasNext()) {
            downloaded.update(messages.next());
            count++;
        }
        assertThat(count).isEqualTo(MESSAGES);
        assertThat(hex(downloaded)).isEqualTo(PatternStream.sha256(SEED, (long) MESSAGES * MESSAGE_SIZE));

        // Client streaming: the server answers with the hash of what it received, and the call ends cleanly.
        CompletableFuture<byte[]> uploaded = new CompletableFuture<>();
        StreamObserver<byte[]> upload = ClientCalls.asyncClientStreamingCall(channel.newCall(UPLOAD,
                CallOptions.DEFAULT), observer(uploaded));
        try (InputStream pattern = new PatternStream(SEED, (long) MESSAGES * MESSAGE_SIZE)) {
            for (int i = 0; i < MESSAGES; i++) {
                upload.onNext(pattern.readNBytes(MESSAGE_SIZE));
            }
        }
        upload.onCompleted();
        assertThat(new String(uploaded.get(30, TimeUnit.SECONDS), StandardCharsets.US_ASCII))
                .isEqualTo(PatternStream.sha256(SEED, (long) MESSAGES * MESSAGE_SIZE));

        // Bidirectional: every message echoed while the client still sends.
        Received echoed = new Received();
        StreamObserver<byte[]> echo = ClientCalls.asyncBidiStreamingCall(channel.newCall(ECHO, CallOptions.DEFAULT),
                echoed);
        try (InputStream pattern = new PatternStream(SEED + 1, 1000L * MESSAGE_SIZE)) {
            for (int i = 0; i < 1000; i++) {
                echo.onNext(pattern.readNBytes(MESSAGE_SIZE));
            }
        }
        echo.onCompleted();
        echoed.ended.get(30, TimeUnit.SECONDS);
        assertThat(echoed.count.get()).isEqualTo(1000);
        assertThat(echoed.sha256()).isEqualTo(PatternStream.sha256(SEED + 1, 1000L * MESSAGE_SIZE));
    }

    @Test
    void anErrorStatusArrivesWithItsTrailersAsSent() {
        StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, REFUSE, CallOptions.DEFAULT, new byte[]{1}));
        assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
        assertThat(refused.getStatus().getDescription()).isEqualTo("not for you: ünïcode ok");
        assertThat(refused.getTrailers().get(REASON)).isEqualTo("quota");
        assertThat(refused.getTrailers().get(DETAIL)).containsExactly(0, 1, 2, (byte) 0xff);
        // The connection and the tunnel serve the next call as usual.
        assertThat(ClientCalls.blockingUnaryCall(channel, UNARY, CallOptions.DEFAULT, new byte[]{'x'}))
                .isEqualTo("x, back".getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aTunnelWithBackendProtocolH2ReachesAServiceOverTlsThatItVerifies() throws Exception {
        ManagedChannel tls = publicChannel(TLS_HOST);
        try {
            assertThat(ClientCalls.blockingUnaryCall(tls, UNARY, CallOptions.DEFAULT, new byte[]{'t'}))
                    .isEqualTo("t, back".getBytes(StandardCharsets.UTF_8));
            MessageDigest downloaded = PatternStream.newSha256();
            ClientCalls.blockingServerStreamingCall(tls, DOWNLOAD, CallOptions.DEFAULT, new byte[0])
                    .forEachRemaining(downloaded::update);
            assertThat(hex(downloaded)).isEqualTo(PatternStream.sha256(SEED, (long) MESSAGES * MESSAGE_SIZE));
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(tls, REFUSE, CallOptions.DEFAULT, new byte[]{1}));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.PERMISSION_DENIED);
            assertThat(refused.getTrailers().get(REASON)).isEqualTo("quota");
        } finally {
            tls.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aServiceWhoseCertificateDoesNotNameTheExpectedHostIsNotSpokenTo() throws Exception {
        ManagedChannel misnamed = publicChannel(MISNAMED_HOST);
        try {
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(misnamed, UNARY, CallOptions.DEFAULT, new byte[]{'m'}));
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(refused.getStatus().getDescription()).contains("502");
        } finally {
            misnamed.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void anHttp11ClientGetsTheServicesAnswersOverOneKeepAliveConnection() throws Exception {
        assumeTrue(Programs.onPath("curl"), "curl is not on the PATH");
        int port = fixture.server().httpsAddress().getPort();
        Path caFile = ca.writeCert(dir.resolve("public-ca.pem"));
        String url = "https://" + HOST + ":" + port + "/portway.test.Echo/Unary";
        // Two requests on one connection, so one tunnel stream carries both, each on its own HTTP/2 stream to the
        // service: a gRPC server answers a request that is not gRPC with 415.
        Programs.Result result = Programs.run(List.of("curl", "-sS", "--http1.1", "--cacert", caFile.toString(),
                "--resolve", HOST + ":" + port + ":127.0.0.1", "-H", "content-type: text/plain", "--data", "hi",
                "-o", "/dev/null", "-w", "%{http_code} %{num_connects}\n", url, "--data", "hi", "-o", "/dev/null",
                url));
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output().strip().split("\n")).containsExactly("415 1", "415 0");
    }

    @Test
    void aBidirectionalCallRunsForHalfAMinute() throws Exception {
        Received echoed = new Received();
        StreamObserver<byte[]> echo = ClientCalls.asyncBidiStreamingCall(channel.newCall(ECHO, CallOptions.DEFAULT),
                echoed);
        int messages = 300;
        try (InputStream pattern = new PatternStream(SEED + 2, (long) messages * MESSAGE_SIZE)) {
            for (int i = 0; i < messages; i++) {
                echo.onNext(pattern.readNBytes(MESSAGE_SIZE));
                Thread.sleep(100);
                if (i == 10) {
                    // Full duplex end to end: answers come back while the request is still being sent.
                    assertThat(echoed.first.get(10, TimeUnit.SECONDS)).hasSize(MESSAGE_SIZE);
                }
            }
        }
        echo.onCompleted();
        echoed.ended.get(30, TimeUnit.SECONDS);
        assertThat(echoed.count.get()).isEqualTo(messages);
        assertThat(echoed.sha256()).isEqualTo(PatternStream.sha256(SEED + 2, (long) messages * MESSAGE_SIZE));
    }

    @Test
    void callsBeyondTheStreamsTheServiceAllowsOnEveryConnectionAreRefused() throws Exception {
        ManagedChannel narrow = publicChannel(NARROW_HOST);
        try {
            // One at a time, so that each finds the connections' limits known: the service allows one stream per
            // connection, and the client opens at most 8 connections to it.
            List<CompletableFuture<byte[]>> held = new java.util.ArrayList<>();
            for (int i = 1; i <= 8; i++) {
                CompletableFuture<byte[]> call = new CompletableFuture<>();
                ClientCalls.asyncUnaryCall(narrow.newCall(HANG, CallOptions.DEFAULT), new byte[]{1}, observer(call));
                held.add(call);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
                while (hangsStarted.get() < i && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(hangsStarted.get()).as("calls the service took").isEqualTo(i);
            }
            StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class,
                    () -> ClientCalls.blockingUnaryCall(narrow, UNARY, CallOptions.DEFAULT, new byte[]{'n'}));
            // 502 from the server, which gRPC reads as UNAVAILABLE: the client refused the request at once.
            assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.UNAVAILABLE);
            assertThat(refused.getStatus().getDescription()).contains("502");
            assertThat(held).noneMatch(CompletableFuture::isDone);
        } finally {
            narrow.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void aDeadlineCancelsTheCallOnTheLocalService() throws Exception {
        StatusRuntimeException late = catchThrowableOfType(StatusRuntimeException.class,
                () -> ClientCalls.blockingUnaryCall(channel, HANG, CallOptions.DEFAULT
                        .withDeadlineAfter(500, TimeUnit.MILLISECONDS), new byte[]{1}));
        assertThat(late.getStatus().getCode()).isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(hangCancelled.await(10, TimeUnit.SECONDS)).as("the service saw the call cancelled").isTrue();
    }

    @Test
    void aServiceThatReadsNothingHoldsTheSenderBackThroughEveryWindow() throws Exception {
        AtomicLong sent = new AtomicLong();
        CountDownLatch stalled = new CountDownLatch(1);
        CompletableFuture<byte[]> ended = new CompletableFuture<>();
        ClientCall<byte[], byte[]> call = channel.newCall(IGNORE, CallOptions.DEFAULT);
        byte[] chunk = new byte[16 * 1024];
        ClientCalls.asyncClientStreamingCall(call, new ClientResponseObserver<byte[], byte[]>() {
            @Override
            public void beforeStart(ClientCallStreamObserver<byte[]> requests) {
                requests.setOnReadyHandler(() -> {
                    while (requests.isReady()) {
                        requests.onNext(chunk);
                        sent.addAndGet(chunk.length);
                    }
                    stalled.countDown();
                });
            }

            @Override
            public void onNext(byte[] value) {
            }

            @Override
            public void onError(Throwable t) {
                ended.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
                ended.complete(new byte[0]);
            }
        });
        assertThat(stalled.await(20, TimeUnit.SECONDS)).isTrue();
        // Whatever was sent stays put once the windows are full: nothing keeps reading ahead.
        long before;
        do {
            before = sent.get();
            Thread.sleep(1000);
        } while (sent.get() != before);
        assertThat(ignoredMessages.get()).isZero();
        // The public stream's window, the tunnel stream's (grown at most to 8 MiB), the local stream's and what
        // the sockets and grpc-java buffer: far below what an unbounded relay would take in a second.
        assertThat(sent.get()).isLessThan(24L * 1024 * 1024);
        call.cancel("done", null);
        assertThat(catchThrowableOfType(java.util.concurrent.ExecutionException.class,
                () -> ended.get(10, TimeUnit.SECONDS)).getCause()).isInstanceOf(StatusRuntimeException.class);
        ignoreCancelled.get(10, TimeUnit.SECONDS);
    }

    private ServerServiceDefinition service() {
        return ServerServiceDefinition.builder(SERVICE)
                .addMethod(UNARY, ServerCalls.asyncUnaryCall((request, response) -> {
                    response.onNext((new String(request, StandardCharsets.UTF_8) + ", back")
                            .getBytes(StandardCharsets.UTF_8));
                    response.onCompleted();
                }))
                .addMethod(DOWNLOAD, ServerCalls.asyncServerStreamingCall((request, response) -> {
                    try (InputStream pattern = new PatternStream(SEED, (long) MESSAGES * MESSAGE_SIZE)) {
                        for (int i = 0; i < MESSAGES; i++) {
                            response.onNext(pattern.readNBytes(MESSAGE_SIZE));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    response.onCompleted();
                }))
                .addMethod(UPLOAD, ServerCalls.asyncClientStreamingCall((StreamObserver<byte[]> response) -> {
                    MessageDigest digest = PatternStream.newSha256();
                    return onEach(digest::update, () -> {
                        response.onNext(hex(digest).getBytes(StandardCharsets.US_ASCII));
                        response.onCompleted();
                    });
                }))
                .addMethod(ECHO, ServerCalls.asyncBidiStreamingCall((StreamObserver<byte[]> response) ->
                        onEach(response::onNext, response::onCompleted)))
                .addMethod(REFUSE, ServerCalls.asyncUnaryCall((request, response) -> {
                    Metadata trailers = new Metadata();
                    trailers.put(REASON, "quota");
                    trailers.put(DETAIL, new byte[]{0, 1, 2, (byte) 0xff});
                    response.onError(Status.PERMISSION_DENIED.withDescription("not for you: ünïcode ok")
                            .asRuntimeException(trailers));
                }))
                .addMethod(HANG, ServerCalls.asyncUnaryCall((request, response) -> {
                    ((ServerCallStreamObserver<byte[]>) response).setOnCancelHandler(hangCancelled::countDown);
                    hangsStarted.incrementAndGet();
                }))
                .addMethod(IGNORE, ServerCalls.asyncClientStreamingCall((StreamObserver<byte[]> response) -> {
                    ServerCallStreamObserver<byte[]> call = (ServerCallStreamObserver<byte[]>) response;
                    // Asks for no message ever: grpc-java then reads nothing of the stream, and its window fills.
                    call.disableAutoRequest();
                    call.setOnCancelHandler(() -> ignoreCancelled.complete(null));
                    return onEach(value -> ignoredMessages.incrementAndGet(), () -> { });
                }))
                .build();
    }

    private static MethodDescriptor<byte[], byte[]> method(String name, MethodDescriptor.MethodType type) {
        return MethodDescriptor.<byte[], byte[]>newBuilder()
                .setType(type)
                .setFullMethodName(MethodDescriptor.generateFullMethodName(SERVICE, name))
                .setRequestMarshaller(BYTES)
                .setResponseMarshaller(BYTES)
                .build();
    }

    /** A service's view of what the client sends: each message, then the end (a cancelled call has its own hook). */
    private static StreamObserver<byte[]> onEach(Consumer<byte[]> message, Runnable completed) {
        return new StreamObserver<>() {
            @Override
            public void onNext(byte[] value) {
                message.accept(value);
            }

            @Override
            public void onError(Throwable t) {
            }

            @Override
            public void onCompleted() {
                completed.run();
            }
        };
    }

    /** What a call receives: the hash, count and first of its messages, and how it ended. */
    private static final class Received implements StreamObserver<byte[]> {
        final MessageDigest digest = PatternStream.newSha256();
        final AtomicInteger count = new AtomicInteger();
        final CompletableFuture<byte[]> first = new CompletableFuture<>();
        final CompletableFuture<Void> ended = new CompletableFuture<>();

        @Override
        public void onNext(byte[] value) {
            digest.update(value);
            count.incrementAndGet();
            first.complete(value);
        }

        @Override
        public void onError(Throwable t) {
            ended.completeExceptionally(t);
        }

        @Override
        public void onCompleted() {
            ended.complete(null);
        }

        /** Once {@link #ended}. */
        String sha256() {
            return hex(digest);
        }
    }

    private static <T> StreamObserver<T> observer(CompletableFuture<T> result) {
        return new StreamObserver<>() {
            @Override
            public void onNext(T value) {
                result.complete(value);
            }

            @Override
            public void onError(Throwable t) {
                result.completeExceptionally(t);
            }

            @Override
            public void onCompleted() {
            }
        };
    }

    private static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }
}
