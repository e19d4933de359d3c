package dev.portway.storage;

import dev.portway.storage.apikeys.ApiKeyRepository;
import dev.portway.storage.audit.AuditLog;
import dev.portway.storage.certificates.CertificateRepository;
import dev.portway.storage.claims.ClaimRepository;
import dev.portway.storage.cluster.LiveClaimRepository;
import dev.portway.storage.cluster.NodeRepository;
import dev.portway.storage.plans.PlanRepository;
import dev.portway.storage.usage.UsageMeter;
import dev.portway.storage.usage.UsageRepository;
import dev.portway.storage.bootstrap.Bootstrap;
import dev.portway.storage.bootstrap.InitialCredentials;
import dev.portway.storage.cache.TokenCache;
import dev.portway.storage.cache.TunnelCache;
import dev.portway.storage.change.ChangeListener;
import dev.portway.storage.db.Database;
import dev.portway.storage.db.Jdbc;
import dev.portway.storage.sessions.SessionRepository;
import dev.portway.storage.tokens.ClientTokenRepository;
import dev.portway.storage.traffic.TrafficCounter;
import dev.portway.storage.traffic.TrafficRepository;
import dev.portway.storage.tunnels.TunnelRepository;
import dev.portway.storage.users.UserRepository;

import java.nio.file.Path;
import java.sql.Statement;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Everything the server needs from storage, wired once at start: repositories, the caches, the change listener
 * (cross-node invalidation) and the traffic counter.
 *
 * <p><b>Closing:</b> {@link #close} flushes the traffic counter and stops the listener; it does not close the
 * {@link Database}, which the caller opened and closes afterwards.
 */
public final class Storage implements AutoCloseable {
    private final UserRepository users;
    private final ClientTokenRepository clientTokens;
    private final ApiKeyRepository apiKeys;
    private final TunnelRepository tunnels;
    private final SessionRepository sessions;
    private final NodeRepository nodes;
    private final LiveClaimRepository liveClaims;
    private final TrafficRepository traffic;
    private final AuditLog audit;
    private final ClaimRepository claims;
    private final CertificateRepository certificates;
    private final PlanRepository plans;
    private final UsageRepository usage;
    private final UsageMeter usageMeter;
    private final TokenCache tokenCache;
    private final TunnelCache tunnelCache;
    private final TrafficCounter trafficCounter;
    private final ChangeListener changeListener;
    private final Bootstrap bootstrap;
    private final Jdbc jdbc;

    private Storage(Database database, StorageSettings settings) {
        this.users = new UserRepository(database.jdbc());
        this.clientTokens = new ClientTokenRepository(database.jdbc());
        this.apiKeys = new ApiKeyRepository(database.jdbc());
        this.tunnels = new TunnelRepository(database.jdbc());
        this.sessions = new SessionRepository(database.jdbc());
        this.nodes = new NodeRepository(database.jdbc());
        this.liveClaims = new LiveClaimRepository(database.jdbc());
        this.traffic = new TrafficRepository(database.jdbc());
        this.audit = new AuditLog(database.jdbc());
        this.claims = new ClaimRepository(database.jdbc());
        this.certificates = new CertificateRepository(database.jdbc(), database::openDedicatedConnection);
        this.plans = new PlanRepository(database.jdbc());
        this.usage = new UsageRepository(database.jdbc());
        this.tokenCache = new TokenCache(clientTokens, database.changes(), settings.cache());
        this.tunnelCache = new TunnelCache(tunnels, database.changes(), settings.cache());
        this.trafficCounter = new TrafficCounter(traffic, settings.trafficFlushInterval(), Clock.systemUTC());
        this.usageMeter = new UsageMeter(plans, usage, trafficCounter, settings.usagePeriods(), Clock.systemUTC());
        this.changeListener = new ChangeListener(database::openDedicatedConnection, database.changes());
        this.bootstrap = new Bootstrap(database.jdbc());
        this.jdbc = database.jdbc();
    }

    /** Wires storage on an open database and starts the change listener and the traffic flushes. */
    public static Storage open(Database database, StorageSettings settings) {
        Storage storage = new Storage(database, settings);
        storage.changeListener.start();
        storage.trafficCounter.start();
        return storage;
    }

    /** On a database without users: creates and returns the first admin credentials; see {@link Bootstrap}. */
    public CompletableFuture<Optional<InitialCredentials>> bootstrap(Path dataDir) {
        return bootstrap.run(dataDir);
    }

    /**
     * A round trip to the database that touches no table, for readiness probes: completes when a pooled connection
     * answers {@code SELECT 1}, fails with {@link StorageUnavailableException} when none does.
     */
    public CompletableFuture<Void> ping() {
        return jdbc.query(c -> {
            try (Statement s = c.createStatement()) {
                s.execute("SELECT 1");
            }
            return null;
        });
    }

    public UserRepository users() {
        return users;
    }

    public ClientTokenRepository clientTokens() {
        return clientTokens;
    }

    public ApiKeyRepository apiKeys() {
        return apiKeys;
    }

    public TunnelRepository tunnels() {
        return tunnels;
    }

    public SessionRepository sessions() {
        return sessions;
    }

    public NodeRepository nodes() {
        return nodes;
    }

    public LiveClaimRepository liveClaims() {
        return liveClaims;
    }

    public TrafficRepository traffic() {
        return traffic;
    }

    public CertificateRepository certificates() {
        return certificates;
    }

    public ClaimRepository claims() {
        return claims;
    }

    public PlanRepository plans() {
        return plans;
    }

    public UsageRepository usage() {
        return usage;
    }

    public UsageMeter usageMeter() {
        return usageMeter;
    }

    public AuditLog audit() {
        return audit;
    }

    public TokenCache tokenCache() {
        return tokenCache;
    }

    public TunnelCache tunnelCache() {
        return tunnelCache;
    }

    public TrafficCounter trafficCounter() {
        return trafficCounter;
    }

    public ChangeListener changeListener() {
        return changeListener;
    }

    @Override
    public void close() {
        trafficCounter.close();
        changeListener.close();
    }
}
