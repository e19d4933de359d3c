package dev.portway.server;

import dev.portway.admin.AdminApi;
import dev.portway.admin.LiveServerView;
import dev.portway.admin.console.Console;
import dev.portway.admin.reload.ConfigReload;
import dev.portway.admin.claims.ClaimSettings;
import dev.portway.admin.claims.DnsTxtLookup;
import dev.portway.monitor.PublicConnectionRefusal;
import dev.portway.monitor.TunnelMetrics;
import dev.portway.monitor.alerts.FiringAlert;
import dev.portway.monitor.events.EventJournal;
import dev.portway.monitor.events.TrafficRateSampler;
import dev.portway.monitor.micrometer.PrometheusMetrics;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.ProductVersion;
import dev.portway.protocol.config.ConfigException;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.mux.SessionSettings;
import dev.portway.protocol.transport.Transport;
import dev.portway.server.access.PeerFilters;
import dev.portway.server.acme.AcmeCertificates;
import dev.portway.server.acme.AcmeOrders;
import dev.portway.server.acme.AcmeService;
import dev.portway.server.acme.CertificateStore;
import dev.portway.server.acme.DatabaseCertificateStore;
import dev.portway.server.acme.DomainProbe;
import dev.portway.server.acme.FileCertificateStore;
import dev.portway.server.acme.PendingChallenges;
import dev.portway.server.acme.StorageCipher;
import dev.portway.server.admin.AdminApiRoute;
import dev.portway.server.admin.AdminRouter;
import dev.portway.server.admin.AdminServer;
import dev.portway.server.admin.FileConfigReload;
import dev.portway.server.admin.MonitoringRoutes;
import dev.portway.server.admin.RegistryLiveServerView;
import dev.portway.server.admin.ServedCertificates;
import dev.portway.server.admin.SessionTunnelPusher;
import dev.portway.server.alerts.ServerAlerts;
import dev.portway.server.auth.AuthFailureThrottle;
import dev.portway.server.auth.Authenticator;
import dev.portway.server.auth.ChainedAuthenticator;
import dev.portway.server.auth.DatabaseTokenAuthenticator;
import dev.portway.server.auth.StaticTokenAuthenticator;
import dev.portway.server.claims.NameClaims;
import dev.portway.server.claims.ReservedPorts;
import dev.portway.server.claims.StoredNameClaims;
import dev.portway.server.cluster.ClusterLiveServerView;
import dev.portway.server.cluster.ClusterNode;
import dev.portway.server.cluster.DatabaseSessionLedger;
import dev.portway.server.cluster.RemoteTunnels;
import dev.portway.server.cluster.link.ForwardedStreams;
import dev.portway.server.cluster.link.NodeLinks;
import dev.portway.server.cluster.RegistryOfOtherNodes;
import dev.portway.server.config.AcmeConfig;
import dev.portway.server.config.ClusterConfig;
import dev.portway.server.config.ClientConnectConfig;
import dev.portway.server.config.ServerConfig;
import dev.portway.server.control.ControlServer;
import dev.portway.server.control.OtherNodes;
import dev.portway.server.control.RttSampler;
import dev.portway.server.control.SessionHooks;
import dev.portway.server.control.SessionLedger;
import dev.portway.server.control.SessionRegistry;
import dev.portway.server.events.EventSessionHooks;
import dev.portway.server.group.TcpGroups;
import dev.portway.server.http.ErrorPages;
import dev.portway.server.http.HttpFrontend;
import dev.portway.server.http.HttpListener;
import dev.portway.server.http.HttpTunnelBinder;
import dev.portway.server.http.HttpVhostRouter;
import dev.portway.server.http.ServedLoopGroup;
import dev.portway.server.https.CertificateSource;
import dev.portway.server.https.ClientHosts;
import dev.portway.server.https.ClientUpgradeGate;
import dev.portway.server.https.CertificateFiles;
import dev.portway.server.https.ConfiguredCertificates;
import dev.portway.server.https.AlpnHttp;
import dev.portway.server.https.DecryptedHttp;
import dev.portway.protocol.control.HostPatterns;
import dev.portway.server.https.HttpsListener;
import dev.portway.server.https.HttpsRoutes;
import dev.portway.server.https.VhostHttpsRoutes;
import dev.portway.server.limits.SourceLimits;
import dev.portway.server.limits.UserCeiling;
import dev.portway.server.plans.QuotaWatch;
import dev.portway.server.plans.UserAccounts;
import dev.portway.storage.Storage;
import dev.portway.storage.change.ChangeKind;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.proxyprotocol.TrustedProxies;
import dev.portway.server.reload.LiveSettings;
import dev.portway.server.reload.ReloadReport;
import dev.portway.server.reload.ServerReload;
import dev.portway.server.storage.ServerStorage;
import dev.portway.server.storage.StorageSessionHooks;
import dev.portway.server.tcp.PortAllocator;
import dev.portway.server.tcp.TcpTunnelBinder;
import dev.portway.server.tls.ServerCertificate;
import dev.portway.server.tls.ServerTlsContexts;
import dev.portway.server.tunnel.ForwardingBinder;
import dev.portway.server.tunnel.TunnelBinder;
import dev.portway.server.udp.UdpTunnelBinder;
import dev.portway.storage.bootstrap.InitialCredentials;
import dev.portway.storage.traffic.TrafficCounter;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import javax.net.ssl.SSLException;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One Portway server: the control listener clients connect to, the public listeners of their tunnels, and the
 * operator's admin listener ({@code /metrics}, {@code /healthz}) unless {@code admin.enabled} is false, and unless
 * {@code database.enabled} is false the database (embedded PostgreSQL by default) behind them.
 * {@link #start()} binds; {@link #stop(Duration)} stops accepting, tells every client it is going away and lets
 * open streams drain for up to the grace period.
 */
public final class TunnelServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TunnelServer.class);
    /** How often the event stream gets a snapshot of per-tunnel byte rates. */
    public static final Duration RATE_INTERVAL = Duration.ofSeconds(2);
    /** How often the files of https.certificates are looked at (their times and sizes only) for a change. */
    static final Duration CERTIFICATE_FILES_POLL = Duration.ofSeconds(10);

    private final ServerConfig config;
    /** The file {@link #config} was read from; null when the server runs on defaults or a config built in code. */
    private final Path configFile;
    /** Null before start and without a {@link #configFile}; read by the signal and admin threads. */
    private volatile ServerReload reload;
    private final Transport transport = Transport.detect();
    private final EventLoopGroup bossGroup = transport.newGroup(1, "portway-accept");
    private final EventLoopGroup workerGroup = transport.newGroup(0, "portway-io");
    private final SessionRegistry registry = new SessionRegistry();
    /** Shared by the admin API (tunnels created or deleted) and the sessions (stored tunnels of a new client). */
    private final SessionTunnelPusher pusher = new SessionTunnelPusher(registry);
    private final AtomicBoolean stopped = new AtomicBoolean();
    /** Null when the admin listener is disabled: then nothing could read the meters, and none are kept. */
    private final PrometheusMetrics prometheus;
    private final TunnelMetrics metrics;
    /** Client, tunnel and rate events for {@code GET /api/v1/events}; fed only while meters are kept. */
    private final EventJournal events = new EventJournal();
    /** Alert evaluation and rate snapshots: off the event loops, on one thread. Null without meters. */
    private ScheduledExecutorService monitorThread;
    /** Plans' enforcement: usage reads and lock-outs. Null without a database. */
    private ScheduledExecutorService quotaThread;
    /** Set once the monitor thread starts, after the admin listener that reads it. */
    private volatile ServerAlerts alerts;
    private ServerCertificate certificate;
    private ControlServer control;
    private AdminServer admin;
    /** Host and path routes of http tunnels, shared by the web listeners. */
    private final HttpVhostRouter httpRouter = new HttpVhostRouter();
    private HttpFrontend httpFrontend;
    private HttpListener httpListener;
    private HttpListener httpsListener;
    private InetSocketAddress adminAddress;
    /** Null when {@code database.enabled} is false or before start. */
    private ServerStorage storage;
    /** Validations of ACME orders in progress, answered by the web listeners. */
    private final PendingChallenges acmeChallenges = new PendingChallenges();
    /** What {@code https.acme} has issued; empty without it. */
    private final AcmeCertificates acmeCertificates = new AcmeCertificates();
    /** Null without {@code https.acme}. */
    private volatile AcmeService acmeService;
    /** The files of {@code https.certificates}; none without an https port. */
    private CertificateFiles certificateFiles;
    /** ACME orders and the polling of certificate files; null without either. */
    private ScheduledExecutorService certificateThread;
    /** This server's part in a cluster; null on a single node (no {@code cluster} section) and before start. */
    private ClusterNode cluster;
    /** The links to the other nodes and the tunnels of theirs served here; null unless a cluster node. */
    private NodeLinks nodeLinks;
    private volatile RemoteTunnels remoteTunnels;

    public TunnelServer(ServerConfig config) {
        this(config, null);
    }

    /** @param configFile where {@code config} was read from, read again by {@link #reload()}; null: none */
    public TunnelServer(ServerConfig config, Path configFile) {
        this.config = config;
        this.configFile = configFile;
        this.prometheus = config.admin().enabled() ? new PrometheusMetrics() : null;
        this.metrics = prometheus != null ? prometheus.recorder() : TunnelMetrics.NOOP;
    }

    /** Binds the control port; returns the address it listens on (useful when the configured port is 0). */
    public InetSocketAddress start() throws InterruptedException, IOException, GeneralSecurityException {
        log.info("starting Portway server version={} transport={}", ProductVersion.current(), transport.name());
        if (transport.name().equals("nio") && Transport.epollUnavailabilityCause() != null) {
            log.debug("epoll unavailable: {}", Transport.epollUnavailabilityCause().toString());
        }
        certificate = ServerCertificate.fromConfig(config);
        if (config.cluster() != null && ClusterConfig.databaseProblem(config.database()) != null) {
            // Also checked by the loader; a configuration built in code gets the same answer before any database starts.
            throw new IllegalStateException(ClusterConfig.databaseProblem(config.database()));
        }
        if (config.database().enabled()) {
            // Before the control listener: the first client may already present a token only the database knows.
            storage = ServerStorage.start(config.database(), config.dataDir(), config.quotas().period());
        } else {
            log.info("database disabled (database.enabled: false): clients authenticate with auth.tokens only");
        }
        if (storage != null) {
            // Every node answers the CA's HTTP-01 requests of an order any node placed: the CA may reach any of them.
            storage.database().changes().subscribe(event -> {
                if (event.kind() == ChangeKind.ACME_CHALLENGE) {
                    acmeChallenges.shared(event.key());
                } else if ((event.kind() == ChangeKind.CERTIFICATE || event.kind() == ChangeKind.ALL)
                        && acmeService != null) {
                    acmeService.storeChanged();
                }
            });
        }
        if (config.cluster() != null) {
            // Before the control listener: the node's row must exist before a session names it.
            cluster = ClusterNode.join(config.cluster(), storage.storage(), storage.database().changes(), registry,
                    metrics.clusterNode());
        }
        StaticTokenAuthenticator staticTokens = new StaticTokenAuthenticator(config.auth());
        Authenticator authenticator = authenticator(staticTokens);
        // Without groups: TCP ports pick their child loop per tunnel; the web listeners steer theirs (ServedLoopGroup).
        ServerBootstrap publicOptions = new ServerBootstrap()
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true);
        ServedLoopGroup webLoops = new ServedLoopGroup(workerGroup);
        ServerBootstrap webTemplate = publicOptions.clone().group(bossGroup, webLoops);
        TrustedProxies trustedProxies = TrustedProxies.of(config.proxyProtocol().trustedCidrs());
        ProxyProtocolInbound proxyProtocol = new ProxyProtocolInbound(trustedProxies,
                ProxyProtocolInbound.Refusal.CLOSE);
        TrafficCounter history = storage == null ? null : storage.storage().trafficCounter();
        PeerFilters filters = new PeerFilters(config.access());
        List<PortAllocator> ports = List.of(new PortAllocator(config.allowPorts()),
                new PortAllocator(config.allowPorts()));
        UserAccounts accounts = new UserAccounts(config.limits(),
                storage == null ? null : storage.storage().usageMeter(), config.quotas().retryAfter());
        // One count per user for TCP, passthrough and HTTP streams alike: a user's tunnels share its ceiling.
        UserCeiling streams = new UserCeiling("limits.streamsPerUser (or the plan's connectionsPerUser)", "streams",
                accounts::connectionsPerUser);
        TcpTunnelBinder tcpPorts = new TcpTunnelBinder(publicOptions, bossGroup, workerGroup, config.bind(),
                ports.get(0), metrics, history, proxyProtocol, streams, filters, accounts);
        // Plain TCP tunnels and load-balancing groups share the port allocator and the stream bridge.
        TunnelBinder binder = new TcpGroups(tcpPorts);
        UdpTunnelBinder udpBinder = new UdpTunnelBinder(transport, config.bind(),
                ports.get(1), config.udp(), metrics, history,
                new UserCeiling("limits.udpFlowsPerUser", "UDP flows",
                        user -> accounts.serverLimits().udpFlowsPerUser()), filters,
                accounts);
        Map<TunnelType, TunnelBinder> binders = new EnumMap<>(TunnelType.class);
        binders.put(TunnelType.TCP, binder);
        binders.put(TunnelType.UDP, udpBinder);
        SessionSettings settings = SessionSettings.defaults(ProductVersion.current())
                .withKeepAlive(config.keepAliveInterval(), config.keepAliveMissed());
        SessionHooks hooks = storage == null ? SessionHooks.NONE : new StorageSessionHooks(storage.storage(), pusher);
        if (prometheus != null) {
            hooks = SessionHooks.both(hooks, new EventSessionHooks(events));
        }
        // Without an https port no name is served over HTTPS, whatever certificates are listed.
        CertificateFiles certificates = CertificateFiles.load(
                config.http().httpsPort() == 0 ? List.of() : config.http().certificates());
        certificateFiles = certificates;
        CertificateSource terminated = certificates.orElse(acmeCertificates);
        if (config.http().httpPort() != 0 || config.http().httpsPort() != 0) {
            binders.put(TunnelType.HTTP, new HttpTunnelBinder(config.http(), httpRouter, metrics, tcpPorts.bridge(),
                    webLoops, history, accounts, host -> terminated.contextFor(host).isPresent(), host -> {
                        AcmeService acme = acmeService;
                        if (acme != null) {
                            acme.customDomainOpened(host);
                        }
                    }));
            httpFrontend = new HttpFrontend(config.http(), httpRouter, ErrorPages.load(config.http().errorPages()),
                    metrics, new ProxyProtocolInbound(trustedProxies, ProxyProtocolInbound.Refusal.HTTP_400), webLoops,
                    streams, acmeChallenges);
        }
        SslContext controlContext = ServerTlsContexts.forControl(certificate);
        // Made whether their listeners are enabled or not, so that a reload resizes one list.
        SourceLimits httpLimits = webLimits("http");
        SourceLimits httpsLimits = webLimits("https");
        SourceLimits adminLimits = new SourceLimits("admin", config.limits().connectionsPerSource(), 0, source -> { });
        // With every binder, before the web listeners: the https port hands clients that come as WebSockets to it.
        SessionLedger ledger = SessionLedger.NONE;
        if (cluster != null) {
            ledger = new DatabaseSessionLedger(storage.storage().sessions(), storage.storage().liveClaims(),
                    cluster.name(), config.http().domain(), forwarding(controlContext, settings, tcpPorts,
                    binders.get(TunnelType.HTTP)));
        }
        control = new ControlServer(bossGroup, workerGroup, transport, controlContext, settings, registry,
                authenticator, new AuthFailureThrottle(), binders, config, metrics, hooks, nameClaims(ports),
                filters.control(), accounts, ledger,
                cluster == null ? OtherNodes.NONE
                        : new RegistryOfOtherNodes(storage.storage().sessions(), cluster.name()));
        if (config.http().httpPort() != 0) {
            httpListener = HttpListener.bind(webTemplate, config.bind(), config.http().httpPort(),
                    httpLimits.guard(httpFrontend.initializer()), "http.port");
            log.info("http listener bound address={} domain={}", httpListener.address(), config.http().domain());
        }
        if (config.http().httpsPort() != 0) {
            ClientConnectConfig clientConnect = config.http().clientConnect();
            DecryptedHttp web = (channel, sniHost) -> httpFrontend.install(channel.pipeline(), true);
            HttpsRoutes routes = new VhostHttpsRoutes(httpRouter);
            CertificateSource served = terminated;
            if (clientConnect.enabled()) {
                ClientHosts clientHosts = new ClientHosts(clientHostNames(clientConnect), controlContext);
                routes = clientHosts.routes(routes);
                served = clientHosts.certificates(served);
                web = ClientUpgradeGate.around(web, clientConnect.path(), settings.maxFramePayload(), control::adopt);
            }
            DecryptedHttp http2 = (channel, sniHost) -> httpFrontend.installHttp2(channel.pipeline(), true);
            web = AlpnHttp.choosing(web, http2);
            HttpsListener https = new HttpsListener(routes, served, acmeChallenges, web, config.handshakeTimeout(),
                    proxyProtocol);
            httpsListener = HttpListener.bind(webTemplate, config.bind(), config.http().httpsPort(),
                    httpsLimits.guard(https), "https.port");
            log.info("https listener bound address={} certificates={} domain(s)", httpsListener.address(),
                    certificates.domains());
        }
        if (config.http().httpsPort() != 0 && (config.http().acme() != null
                || !config.http().certificates().isEmpty())) {
            certificateThread = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "portway-certificates");
                thread.setDaemon(true);
                return thread;
            });
            watchCertificateFiles(certificates);
            if (config.http().acme() != null) {
                startAcme(config.http().acme());
            }
        }
        if (storage != null) {
            watchQuotas(accounts);
        }
        if (configFile != null) {
            reload = new ServerReload(configFile, config, new LiveSettings(staticTokens, ports, trustedProxies,
                    httpFrontend, config.http().httpsPort() == 0 ? null : certificates, accounts, filters,
                    List.of(control.sourceLimits(), httpLimits, httpsLimits, adminLimits)));
        }
        if (prometheus != null) {
            admin = adminServer(adminLimits);
            adminAddress = admin.bind();
            long interval = config.keepAliveInterval().toNanos();
            workerGroup.next().scheduleAtFixedRate(new RttSampler(registry, metrics), interval, interval,
                    TimeUnit.NANOSECONDS);
            log.info("admin listener bound address={} paths=/metrics,/healthz{}", adminAddress,
                    storage != null ? ",/readyz,/api/v1/" : "");
            startMonitoring();
        } else {
            if (storage != null) {
                log.warn("admin.enabled is false: the REST admin API is not served although the database is enabled");
            }
            if (!config.alerts().webhooks().isEmpty() || config.alerts().telegram() != null) {
                log.warn("admin.enabled is false: no meters are kept, so alerts are not evaluated or sent");
            }
        }
        InetSocketAddress address = control.bind();
        log.info("control listener bound address={}", address);
        return address;
    }

    /** The names a {@code wss://} client may dial with no tunnel on them: the configured ones and the public host. */
    private Set<String> clientHostNames(ClientConnectConfig clientConnect) {
        Set<String> names = new HashSet<>(clientConnect.hosts());
        if (config.publicHost() != null) {
            names.add(HostPatterns.normalize(config.publicHost()));
        }
        return names;
    }

    /**
     * Reads the files of {@code https.certificates} again when they change (a renewal by another tool), with the
     * checks of the start; files that fail them leave the certificates in use, and the log says why. Their meters
     * follow what is served at each look, also after a reload by SIGHUP or the API.
     */
    private void watchCertificateFiles(CertificateFiles certificates) {
        long every = CERTIFICATE_FILES_POLL.toMillis();
        Set<String> metered = new HashSet<>();
        meterFiles(certificates, metered);
        certificateThread.scheduleWithFixedDelay(() -> {
            certificates.reloadIfChanged().ifPresent(outcome -> {
                if (outcome.isEmpty()) {
                    log.info("https.certificates reloaded: a file changed domains={}", certificates.domains());
                } else {
                    log.warn("https.certificates: a file changed but kept the certificates in use: {}",
                            outcome.get());
                }
            });
            meterFiles(certificates, metered);
        }, every, every, TimeUnit.MILLISECONDS);
    }

    /** Days to expiry of each certificate file served, by its first domain; {@code metered} holds the names. */
    private void meterFiles(CertificateFiles certificates, Set<String> metered) {
        Set<String> now = new HashSet<>();
        for (ConfiguredCertificates.Loaded file : certificates.loaded()) {
            now.add(file.domains().get(0));
            metrics.certificate(file.domains().get(0), file.leaf().getNotAfter().toInstant(), 0);
        }
        metered.stream().filter(name -> !now.contains(name)).forEach(metrics::certificateGone);
        metered.clear();
        metered.addAll(now);
    }

    /** Serves the stored ACME certificates, then orders and renews on the certificate thread. */
    private void startAcme(AcmeConfig acme) throws IOException {
        Path acmeDir = config.dataDir().resolve("acme");
        StorageCipher cipher = acme.storageKeyFile() != null ? StorageCipher.fromFile(acme.storageKeyFile(), false)
                : StorageCipher.fromFile(acmeDir.resolve("storage.key"), true);
        // With a database every node serves what one of them ordered; the key file has to be the same on each.
        CertificateStore store = storage != null
                ? new DatabaseCertificateStore(storage.storage().certificates(), cipher)
                : FileCertificateStore.open(acmeDir, cipher);

        DomainProbe probe = new DomainProbe(acmeChallenges, store, DomainProbe.lookup(nameServers()), acme.probePort(),
                DomainProbe.DEFAULT_TIMEOUT);
        acmeService = new AcmeService(acme, store, new AcmeOrders(acme, store, acmeChallenges), acmeCertificates,
                probe, certificateThread, Clock.systemUTC(), metrics, prometheus != null ? events : null);
        try {
            acmeService.start();
        } catch (Exception e) {
            throw new IOException("cannot read the stored ACME certificates: " + e, e);
        }
        log.info("acme started directory={} domains={} onDemand={}", acme.directory(), acme.domains(),
                acme.onDemand());
    }

    /** Reads connected users' usage on a thread of its own, and acts on their plans. */
    private void watchQuotas(UserAccounts accounts) {
        quotaThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "portway-quotas");
            thread.setDaemon(true);
            return thread;
        });
        Storage stored = storage.storage();
        new QuotaWatch(accounts, stored.usageMeter(), stored.usage(), registry, metrics,
                prometheus != null ? events : null)
                .start(quotaThread, config.quotas().checkInterval(), storage.database().changes());
    }

    /** Rate snapshots for the event stream every 2 s, and the server's own alerts unless {@code alerts.enabled} is false. */
    private void startMonitoring() {
        monitorThread = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "portway-monitor");
            thread.setDaemon(true);
            return thread;
        });
        monitorThread.scheduleAtFixedRate(new TrafficRateSampler(prometheus.readings(), events), 0,
                RATE_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
        if (config.alerts().enabled()) {
            alerts = ServerAlerts.start(config.alerts(), prometheus.readings(), monitorThread);
        }
    }

    /** {@code /metrics} and {@code /healthz} always; the REST API ({@code /api/v1/}, {@code /readyz}) with a database. */
    /** A web listener's own ceiling per address; refusals count as public connections refused. */
    private SourceLimits webLimits(String listener) {
        return new SourceLimits(listener, config.limits().connectionsPerSource(), 0,
                source -> metrics.publicConnectionRefused(PublicConnectionRefusal.SOURCE_LIMIT));
    }

    private List<FiringAlert> firingAlerts() {
        ServerAlerts current = alerts;
        return current == null ? List.of() : current.firing();
    }

    private AdminServer adminServer(SourceLimits adminLimits) {
        AdminRouter router = MonitoringRoutes.addTo(new AdminRouter(), prometheus);
        if (storage == null) {
            return new AdminServer(config.admin(), transport, bossGroup, router, AdminServer.DEFAULT_MAX_BODY,
                    adminLimits);
        }
        // A cluster node is ready once it serves the other nodes' tunnels as well as its own listeners.
        LiveServerView live = new RegistryLiveServerView(registry, () -> control != null && control.isBound()
                && (remoteTunnels == null || remoteTunnels.caughtUp()), events,
                new ServedCertificates(certificateFiles, acmeCertificates,
                        config.http().httpsPort() == 0 ? null : config.http().acme(), () -> acmeService,
                        Clock.systemUTC()), this::firingAlerts);
        if (cluster != null) {
            live = new ClusterLiveServerView(live, storage.storage().sessions(), cluster.name());
        }
        AdminApi api = new AdminApi(storage.storage(), live, pusher, Clock.systemUTC(), claimSettings(),
                reload == null ? ConfigReload.NONE : new FileConfigReload(reload, ForkJoinPool.commonPool()));
        router.delegate(AdminApiRoute::owns, new AdminApiRoute(api::handle));
        router.delegate(Console::owns, new AdminApiRoute(new Console()::handle));
        return new AdminServer(config.admin(), transport, bossGroup, router, AdminApi.MAX_BODY_BYTES, adminLimits);
    }

    /** Stored ownership of hosts and ports when there is a database; the random port allocators skip reserved ports. */
    private NameClaims nameClaims(List<PortAllocator> ports) {
        if (storage == null) {
            return NameClaims.NONE;
        }
        ReservedPorts.keep(storage.storage().claims(), storage.database().changes(), ports);
        return new StoredNameClaims(storage.storage().claims(), config.http().domain(), config.domainProof());
    }

    /** Domain proofs are looked up on the common pool: a few at a time at most, each bounded by DNS timeouts. */
    private ClaimSettings claimSettings() {
        String domain = config.http().domain();
        return new ClaimSettings(domain == null ? null : HostPatterns.normalize(domain),
                new DnsTxtLookup(nameServers(), ForkJoinPool.commonPool()));
    }

    /** {@code domainProof.nameServers}: where names users bring are looked up, for proofs and probes. */
    private List<InetSocketAddress> nameServers() {
        return config.domainProof().nameServers().stream()
                .map(server -> InetSocketAddress.createUnresolved(server.host(), server.port())).toList();
    }

    /** Static tokens first (memory, no database round trip), then the tokens stored in the database. */
    private Authenticator authenticator(StaticTokenAuthenticator staticTokens) {
        if (storage == null) {
            if (staticTokens.isEmpty()) {
                log.warn("no client tokens configured (auth.tokens) and no database: every client will be refused");
            }
            return staticTokens;
        }
        return new ChainedAuthenticator(List.of(staticTokens,
                new DatabaseTokenAuthenticator(storage.storage().tokenCache())));
    }

    /**
     * Reads the server's configuration file again and applies what changed without dropping a session or a
     * connection (SIGHUP, {@code POST /api/v1/reload}); what cannot change live is reported as needing a restart.
     *
     * @throws ConfigException the file is invalid; nothing changed
     * @throws IllegalStateException the server was started without a file, or is not started
     */
    public ReloadReport reload() throws ConfigException {
        if (reload == null) {
            throw new IllegalStateException("started without a configuration file (-c): nothing to reload");
        }
        return reload.reload();
    }

    /** Where {@code /metrics} is served; null when the admin listener is disabled or not started. */
    public InetSocketAddress adminAddress() {
        return adminAddress;
    }

    /** What this server records into; {@link TunnelMetrics#NOOP} when the admin listener is disabled. */
    public TunnelMetrics metrics() {
        return metrics;
    }

    public String certificateFingerprint() {
        return certificate.fingerprint();
    }

    /** The credentials the first start on an empty database created, to be shown once; empty on later starts. */
    public Optional<InitialCredentials> initialCredentials() {
        return storage == null ? Optional.empty() : storage.initialCredentials();
    }

    /** The running storage; empty when the database is disabled. */
    public Optional<ServerStorage> storage() {
        return Optional.ofNullable(storage);
    }

    public SessionRegistry sessions() {
        return registry;
    }

    /** The http tunnels' routes: an HTTPS listener routes SNI names through the same table. */
    public HttpVhostRouter httpRouter() {
        return httpRouter;
    }

    /** Serves decrypted HTTPS connections like plain ones; null when neither web port is enabled. */
    public HttpFrontend httpFrontend() {
        return httpFrontend;
    }

    /** Where public plain HTTP is served; null when {@code http.port} is 0 or before start. */
    public InetSocketAddress httpAddress() {
        return httpListener == null ? null : httpListener.address();
    }

    /** The certificates {@code https.acme} has issued and serves. */
    public AcmeCertificates acmeCertificates() {
        return acmeCertificates;
    }

    /** Where public HTTPS is served; null when {@code https.port} is 0 or before start. */
    public InetSocketAddress httpsAddress() {
        return httpsListener == null ? null : httpsListener.address();
    }

    /**
     * Links to the other nodes, and the tunnels of their clients served here: every tcp tunnel's port and every http
     * tunnel's routes, forwarded over the link to the node of the client.
     */
    private RemoteTunnels forwarding(SslContext controlContext, SessionSettings settings, TcpTunnelBinder tcpPorts,
                                     TunnelBinder http) throws InterruptedException, SSLException {
        ClusterConfig clusterConfig = config.cluster();
        nodeLinks = new NodeLinks(cluster.name(), clusterConfig.secret(), controlContext, settings, transport,
                bossGroup, workerGroup, new ForwardedStreams(registry, metrics.clusterNode()), metrics.clusterNode());
        nodeLinks.listen(config.bind(), clusterConfig.advertise().port());
        Map<TunnelType, ForwardingBinder> forwardable = new EnumMap<>(TunnelType.class);
        forwardable.put(TunnelType.TCP, tcpPorts);
        if (http instanceof ForwardingBinder web) {
            forwardable.put(TunnelType.HTTP, web);
        }
        remoteTunnels = new RemoteTunnels(cluster.name(), storage.storage().liveClaims(), nodeLinks, forwardable,
                clusterConfig.heartbeat());
        nodeLinks.onLinkLost(remoteTunnels::changed);
        storage.database().changes().subscribe(event -> {
            if (event.kind() == ChangeKind.LIVE_CLAIMS || event.kind() == ChangeKind.ALL) {
                remoteTunnels.changed();
            }
        });
        return remoteTunnels;
    }

    /** Graceful stop: no new connections, GOAWAY to every client, streams drain until none is left or grace ends. */
    public void stop(Duration grace) {
        if (!stopped.compareAndSet(false, true)) {
            return;
        }
        if (httpListener != null) {
            httpListener.close();
        }
        if (httpsListener != null) {
            httpsListener.close();
        }
        if (cluster != null) {
            // The clients' tunnels stay claimed until each client has taken its session over on another node, which
            // moves the claims with it: the other nodes forward to this one until then, and never find them free.
            cluster.drain();
        }
        if (control != null) {
            control.stopAccepting(cluster == null);
            if (cluster != null) {
                registry.all().forEach(s -> s.askToMove("node " + cluster.name() + " is shutting down"));
            } else {
                registry.all().forEach(s -> s.session().goAway(ErrorCode.SHUTTING_DOWN, "server shutting down"));
            }
            long deadline = System.nanoTime() + grace.toNanos();
            // Public connections this node forwards to others drain too: the streams of its links. A cluster node also
            // waits for its clients to take their sessions over on another node (which ends them here): closed
            // before, a session would free its claims, and its names would go unserved until the client is back.
            while (System.nanoTime() < deadline && (registry.all().stream().anyMatch(s -> s.session().openStreams() > 0)
                    || nodeLinks != null && nodeLinks.openStreams() > 0
                    || cluster != null && cluster.othersAlive() && registry.size() > 0)) {
                sleepQuietly(50);
            }
            control.closeAll();
        }
        if (alerts != null) {
            alerts.close();
        }
        if (certificateThread != null) {
            certificateThread.shutdownNow();
        }
        if (quotaThread != null) {
            quotaThread.shutdownNow();
        }
        if (monitorThread != null) {
            monitorThread.shutdownNow();
        }
        if (admin != null) {
            admin.close();
        }
        if (remoteTunnels != null) {
            // After the sessions drained: until then a public connection to a forwarded port or host still reaches
            // its client on its node.
            remoteTunnels.close();
        }
        if (nodeLinks != null) {
            // After the sessions: streams other nodes forwarded here ran on until their clients went.
            nodeLinks.close();
        }
        if (cluster != null) {
            // After the sessions: what is still recorded for this node goes with its row.
            cluster.close();
        }
        if (storage != null) {
            // After the sessions: their last traffic is flushed by this close.
            storage.close();
        }
        bossGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workerGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (prometheus != null) {
            prometheus.close();
        }
        log.info("server stopped");
    }

    @Override
    public void close() {
        stop(Duration.ZERO);
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
