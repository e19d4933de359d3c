package dev.portway.server.control;

import dev.portway.monitor.AuthFailureReason;
import dev.portway.protocol.ErrorCode;
import dev.portway.protocol.control.Auth;
import dev.portway.protocol.control.AuthResult;
import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.Hello;
import dev.portway.protocol.control.Move;
import dev.portway.protocol.control.TunnelNames;
import dev.portway.protocol.control.TunnelPush;
import dev.portway.protocol.control.TunnelRegister;
import dev.portway.protocol.control.TunnelResult;
import dev.portway.protocol.control.TunnelSpec;
import dev.portway.protocol.control.TunnelType;
import dev.portway.protocol.control.TunnelUnregister;
import dev.portway.protocol.mux.SessionListener;
import dev.portway.protocol.mux.StreamHandler;
import dev.portway.protocol.mux.TunnelSession;
import dev.portway.protocol.mux.TunnelStream;
import dev.portway.monitor.QuotaEvent;
import dev.portway.server.auth.Principal;
import dev.portway.server.plans.Admission;
import dev.portway.server.plans.PlanChecks;
import dev.portway.server.plans.UserTerms;
import dev.portway.server.limits.LogLimiter;
import dev.portway.server.limits.SourceLimits;
import dev.portway.server.proxyprotocol.ProxyProtocolInbound;
import dev.portway.server.tunnel.PublicTunnel;
import dev.portway.server.tunnel.TunnelBinder;
import dev.portway.server.tunnel.TunnelRefusedException;
import dev.portway.server.udp.UdpFlows;
import dev.portway.storage.sessions.Holdings;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * The server's side of one client connection: authentication, tunnel registration and the hand-over of tunnels
 * when the same client reconnects before its old connection was seen to die.
 *
 * <p>Threading: protocol callbacks arrive on the session's event loop; authentication and binding complete on
 * other threads and hop back. The tunnel table is concurrent because a successor session takes it over from its
 * own event loop.
 */
public final class ClientSession implements SessionListener {
    private static final Logger log = LoggerFactory.getLogger(ClientSession.class);
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    /** When the cluster's shared registry cannot say what a client may hold: refused, the client tries again. */
    private static final String REGISTRY_UNAVAILABLE = "the session registry does not answer; try again later";

    private enum State { AWAITING_AUTH, AUTHENTICATING, ACTIVE, CLOSED }

    private final ControlContext context;
    /** The server's id for this connection: sent in AUTH_RESULT, listed and disconnected by the admin API. */
    private final String sessionId = UUID.randomUUID().toString();
    private final Instant connectedAt = Instant.now();
    private final Map<String, PublicTunnel> tunnels = new ConcurrentHashMap<>();
    /** Pushed tunnels waiting for the client's registration, by name; completed with the registration's status. */
    private final Map<String, CompletableFuture<TunnelResult.Status>> pushes = new ConcurrentHashMap<>();
    /**
     * The registration in progress for each name. A second registration of a name waits for the first, so two
     * binds of one name never run at once and the loser's port cannot be orphaned by the winner's entry.
     */
    private final Map<String, CompletableFuture<TunnelResult.Status>> registering = new ConcurrentHashMap<>();
    /** Refusals are logged at most a few times a minute per connection; a client that repeats one is not heard each time. */
    private final LogLimiter refusalLog = new LogLimiter(10, 1, TimeUnit.MINUTES);
    /** Storage ids of the tunnels pushed to this client, by name, given to their listeners when they register. */
    private final Map<String, Long> storedIds = new ConcurrentHashMap<>();
    private TunnelSession session;
    /** Written on the session loop, also read from binding threads when their results arrive. */
    private volatile State state = State.AWAITING_AUTH;
    private ScheduledFuture<?> handshakeTimer;
    private String clientId;
    private Principal principal;
    private volatile boolean replaced;
    /**
     * Completed by the first answered TUNNEL_REGISTER, which may complete on a binder thread, or when the session
     * closes before one.
     */
    private final CompletableFuture<Void> firstRegistration = new CompletableFuture<>();
    /** An invalid token was counted and its refusal is held back by the throttle; not a handshake timeout too. */
    private boolean refusalPending;

    ClientSession(ControlContext context) {
        this.context = context;
    }

    public String clientId() {
        return clientId;
    }

    /** Null until authenticated. */
    public Principal principal() {
        return principal;
    }

    public String sessionId() {
        return sessionId;
    }

    public Instant connectedAt() {
        return connectedAt;
    }

    /**
     * Offers the client a tunnel it did not ask for (created by an operator). Completes with the status of the
     * client's registration of it, or with the refusal and reason the client answers when it declines (its
     * allowTargets decide); never, when an older client declines without answering, so callers time out.
     * Any thread.
     */
    public CompletableFuture<TunnelResult.Status> push(TunnelSpec spec, long storedId) {
        // Applied when the client registers the name in answer; a client.yaml tunnel of the same name is never
        // registered again in this session (the client ignores such a push), so it is not mistaken for this one.
        storedIds.put(spec.name(), storedId);
        CompletableFuture<TunnelResult.Status> registered = new CompletableFuture<>();
        CompletableFuture<TunnelResult.Status> previous = pushes.put(spec.name(), registered);
        if (previous != null) {
            previous.cancel(false);
        }
        registered.whenComplete((status, error) -> pushes.remove(spec.name(), registered));
        session.send(new TunnelPush(TunnelPush.Action.ADD, spec));
        return registered;
    }

    /**
     * Takes back the pushed tunnel stored as {@code storedId}: closes its public port and open connections here and
     * tells the client to drop it. Returns whether this client held it. Any thread.
     */
    public boolean removePushed(long storedId) {
        storedIds.values().removeIf(id -> id == storedId);
        for (Map.Entry<String, PublicTunnel> entry : tunnels.entrySet()) {
            PublicTunnel tunnel = entry.getValue();
            if (tunnel.storedId() == storedId && tunnels.remove(entry.getKey(), tunnel)) {
                // The server closes first: a client that never answers must not keep the port open.
                closed(entry.getKey(), tunnel, true);
                session.send(new TunnelPush(TunnelPush.Action.REMOVE,
                        new TunnelSpec(entry.getKey(), tunnel.type(), 0, null)));
                return true;
            }
        }
        return false;
    }

    /** Whether this client holds the pushed tunnel stored as {@code storedId} right now. */
    public boolean holdsPushed(long storedId) {
        return tunnels.values().stream().anyMatch(tunnel -> tunnel.storedId() == storedId);
    }

    /** Sends GOAWAY with {@code reason} and closes the connection; its tunnels close with it. Any thread. */
    public void disconnect(String reason) {
        if (session != null) {
            log.info("[client={}] disconnecting: {}", clientId, reason);
            session.close(ErrorCode.CONNECTION_CLOSED, reason);
        }
    }

    int tunnelCount() {
        return tunnels.size();
    }

    /**
     * Where the client connects from: the socket's peer, or for a wss:// client that came through a trusted load
     * balancer, the peer its PROXY header named. Limits, the auth throttle, logs and the admin API all key on it, so
     * that clients behind one balancer are not counted as one.
     */
    public InetSocketAddress peer() {
        return ProxyProtocolInbound.endpoints(session.channel()).peer();
    }

    public TunnelSession session() {
        return session;
    }

    /**
     * This node of a cluster is going away: a client that can ({@link Hello#MOVE}) is asked to take its session over
     * on another node while this connection goes on carrying its streams; any other is sent GOAWAY. Any thread.
     */
    public void askToMove(String reason) {
        TunnelSession carrier = session;
        if (carrier == null) {
            return;
        }
        Hello hello = carrier.peerHello();
        if (hello != null && hello.capabilities().contains(Hello.MOVE)) {
            carrier.send(new Move(reason));
        } else {
            carrier.goAway(ErrorCode.SHUTTING_DOWN, reason);
        }
    }

    /**
     * Completes once the client's first TUNNEL_REGISTER (its client.yaml tunnels) was answered, or the session closed
     * before: until then, a tunnel it will hold may not be held yet. Any thread.
     */
    public CompletionStage<Void> firstRegistration() {
        return firstRegistration.minimalCompletionStage();
    }

    /** Whether this client holds a tunnel named {@code name} right now. */
    public boolean holdsTunnel(String name) {
        return tunnels.containsKey(name);
    }

    /** Names and public addresses of the tunnels this client holds right now. */
    public Map<String, String> tunnelAddresses() {
        Map<String, String> addresses = new java.util.TreeMap<>();
        tunnels.forEach((name, tunnel) -> addresses.put(name, tunnel.publicAddress(context.publicHost())));
        return addresses;
    }

    // ---- session events ----

    /**
     * Closes the connection unless TLS, HELLO and AUTH have all completed within the handshake timeout, counted
     * from the moment the connection was accepted.
     */
    void armHandshakeTimeout(Channel channel) {
        long timeout = context.handshakeTimeout().toMillis();
        handshakeTimer = channel.eventLoop().schedule(() -> {
            if (state == State.AWAITING_AUTH || state == State.AUTHENTICATING) {
                if (!refusalPending) {
                    context.metrics().authFailure(AuthFailureReason.HANDSHAKE_TIMEOUT);
                }
                log.warn("[peer={}] handshake not completed within {} ms; closing", channel.remoteAddress(), timeout);
                if (session == null) {
                    channel.close();
                } else {
                    session.close(ErrorCode.TIMEOUT, "handshake not completed within " + timeout + " ms");
                }
            }
        }, timeout, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onReady(TunnelSession session) {
        this.session = session;
    }

    @Override
    public void onControl(TunnelSession session, ControlMessage message) {
        this.session = session;
        if (message instanceof Auth auth) {
            onAuth(auth);
        } else if (message instanceof TunnelRegister register) {
            whenActive(message, () -> onRegister(register.tunnels()));
        } else if (message instanceof TunnelUnregister unregister) {
            whenActive(message, () -> unregister.names().forEach(this::closeTunnel));
        } else if (message instanceof TunnelResult declined) {
            whenActive(message, () -> onDeclined(declined.results()));
        } else {
            session.close(ErrorCode.PROTOCOL_ERROR, "a client may not send " + message.getClass().getSimpleName());
        }
    }

    @Override
    public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
        // Streams are opened by the server only; a client that opens one is refused without harm.
        return null;
    }

    @Override
    public void onDatagram(TunnelSession session, int flowId, ByteBuf payload) {
        UdpFlows.fromClient(session, flowId, payload);
    }

    @Override
    public void onClosed(TunnelSession session, Throwable cause) {
        state = State.CLOSED;
        if (handshakeTimer != null) {
            handshakeTimer.cancel(false);
        }
        if (clientId == null) {
            return;
        }
        pushes.values().forEach(pushed -> pushed.completeExceptionally(
                new IllegalStateException("the client disconnected")));
        firstRegistration.complete(null);
        boolean last = context.registry().unregister(this);
        context.ledger().closed(this);
        // A replaced session handed its tunnels over already; whatever is left here has no successor.
        closeTunnels();
        if (last) {
            context.metrics().clientDisconnected(clientId);
            context.hooks().disconnected(this);
        }
        if (!replaced) {
            log.info("[client={}] disconnected: {}", clientId, cause == null || cause.getMessage() == null
                    ? "connection closed" : cause.getMessage());
        }
    }

    // ---- authentication ----

    private void onAuth(Auth auth) {
        if (state != State.AWAITING_AUTH) {
            session.close(ErrorCode.PROTOCOL_ERROR, "AUTH sent twice");
            return;
        }
        if (auth.clientId() != null && !CLIENT_ID.matcher(auth.clientId()).matches()) {
            refuse("clientId must be 1 to 128 characters of letters, digits and . _ : -",
                    AuthFailureReason.MALFORMED);
            return;
        }
        state = State.AUTHENTICATING;
        InetAddress address = peer().getAddress();
        context.authenticator().authenticate(auth.token()).whenComplete((principal, error) ->
                session.channel().eventLoop().execute(() -> onAuthenticated(auth, address, principal, error)));
    }

    private void onAuthenticated(Auth auth, InetAddress address, Optional<Principal> found, Throwable error) {
        if (state != State.AUTHENTICATING) {
            return;
        }
        if (error != null) {
            log.error("[peer={}] authentication failed unexpectedly", peer(), error);
            refuse("authentication is unavailable; try again later", AuthFailureReason.UNAVAILABLE);
            return;
        }
        if (found.isEmpty()) {
            context.metrics().authFailure(AuthFailureReason.INVALID_TOKEN);
            refusalPending = true;
            Duration delay = context.throttle().recordFailure(address);
            log.warn("[peer={}] authentication refused: invalid token {}", peer(),
                    dev.portway.protocol.control.Tokens.redact(auth.token()));
            session.channel().eventLoop().schedule(() -> sendRefusal("invalid token", AuthFailureReason.INVALID_TOKEN),
                    delay.toMillis(), TimeUnit.MILLISECONDS);
            return;
        }
        context.throttle().recordSuccess(address);
        Principal user = found.get();
        context.accounts().admit(user).whenComplete((admission, failure) -> session.channel().eventLoop().execute(
                () -> onAdmitted(auth, user, failure == null ? admission : Admission.ADMITTED)));
    }

    /** The user's plan let it in, or not; now the client id and the user's client count decide. */
    private void onAdmitted(Auth auth, Principal user, Admission admission) {
        if (state != State.AUTHENTICATING) {
            return;
        }
        if (!admission.admitted()) {
            log.info("[peer={}] user {} refused by its plan: {}", peer(), user.user(),
                    admission.reason());
            context.metrics().authFailure(AuthFailureReason.PLAN);
            state = State.CLOSED;
            session.send(admission.refusal());
            session.close(ErrorCode.AUTH_FAILED, admission.reason());
            return;
        }
        String requestedId = auth.clientId() != null ? auth.clientId() : UUID.randomUUID().toString();
        ClientSession holder = context.registry().get(requestedId);
        if (holder != null && !holder.principal.sameUser(user)) {
            refuse("client id " + requestedId + " is in use by another user",
                    AuthFailureReason.CLIENT_ID_IN_USE);
            return;
        }
        if (holder != null) {
            // It takes its own session over: one client more it is not.
            record(user, requestedId);
            return;
        }
        onLoop(context.otherNodes().heldBy(user, requestedId), (elsewhere, failure) -> {
            onCounted(user, requestedId, elsewhere, failure);
            return null;
        });
    }

    /** What the user holds on the other nodes of a cluster is known; with this node's sessions, its count decides. */
    private void onCounted(Principal user, String requestedId, Holdings elsewhere, Throwable failure) {
        if (state != State.AUTHENTICATING) {
            return;
        }
        if (failure != null) {
            log.warn("[peer={}] cannot count the clients of user {} on the other nodes: {}", peer(), user.user(),
                    failure.toString());
            refuse(REGISTRY_UNAVAILABLE, AuthFailureReason.UNAVAILABLE);
            return;
        }
        UserTerms terms = context.accounts().terms(user);
        int limit = terms.clients();
        if (context.registry().sessionsOf(user) + elsewhere.clients() >= limit) {
            refuse("user " + user.user() + " has " + limit + " clients connected, as many as " + terms.source()
                    + " allows", AuthFailureReason.SESSION_LIMIT);
            return;
        }
        record(user, requestedId);
    }

    private void record(Principal user, String requestedId) {
        principal = user;
        clientId = requestedId;
        onLoop(context.ledger().open(this), (refusal, failure) -> {
            onRecorded(refusal, failure);
            return null;
        });
    }

    /** The cluster's session registry took the client id for this session, or said why not; then it is accepted. */
    private void onRecorded(String refusal, Throwable failure) {
        if (state != State.AUTHENTICATING) {
            return;
        }
        if (failure != null || refusal != null) {
            if (failure != null) {
                log.warn("[peer={}] cannot record the session of client {}: {}", peer(), clientId, failure.toString());
            }
            clientId = null;
            refuse(failure != null ? REGISTRY_UNAVAILABLE : refusal,
                    failure != null ? AuthFailureReason.UNAVAILABLE : AuthFailureReason.CLIENT_ID_IN_USE);
            return;
        }
        ClientSession previous;
        try {
            previous = context.registry().register(this);
        } catch (IllegalStateException inUse) {
            // Another user's session took the id between the check above and now.
            clientId = null;
            refuse(inUse.getMessage(), AuthFailureReason.CLIENT_ID_IN_USE);
            return;
        }
        session.label("client=" + clientId);
        state = State.ACTIVE;
        handshakeTimer.cancel(false);
        SourceLimits.handshakeDone(session.channel());
        context.metrics().clientConnected(clientId);
        if (previous != null) {
            context.metrics().reconnect();
            log.info("[client={}] reconnected from {}; took over the previous connection and its {} tunnel(s)",
                    clientId, peer(), tunnels.size());
            previous.session.close(ErrorCode.SESSION_REPLACED, "replaced by a newer connection of the same client");
        } else {
            log.info("[client={}] connected from {} user={} session={}", clientId, peer(),
                    principal.user(), sessionId);
        }
        session.send(AuthResult.accepted(clientId, sessionId));
        context.hooks().authenticated(this);
    }

    /**
     * Applies {@code then} at once when {@code stage} is done (a single node: no ledger, no other nodes, nothing to
     * wait for), else on this loop.
     */
    private <T, R> CompletableFuture<R> onLoop(CompletionStage<T> stage, BiFunction<T, Throwable, R> then) {
        CompletableFuture<T> future = stage.toCompletableFuture();
        BiFunction<T, Throwable, R> unwrapped = (value, error) -> then.apply(value,
                error instanceof CompletionException ? error.getCause() : error);
        if (future.isDone() && session.channel().eventLoop().inEventLoop()) {
            return future.handle(unwrapped);
        }
        return future.handleAsync(unwrapped, session.channel().eventLoop());
    }

    /** Counts the failure, then refuses. */
    private void refuse(String reason, AuthFailureReason failure) {
        context.metrics().authFailure(failure);
        sendRefusal(reason, failure);
    }

    /**
     * Refuses a failure counted already (a delayed refusal is counted when decided). The failure's label travels
     * along, so that a client can tell a refusal it should stop on from one that may pass.
     */
    private void sendRefusal(String reason, AuthFailureReason failure) {
        state = State.CLOSED;
        session.send(AuthResult.refused(reason, failure.label()));
        session.close(ErrorCode.AUTH_FAILED, reason);
    }

    /** Called under the registry's lock on the replaced session, from the successor's thread. */
    void handOverTunnelsTo(ClientSession successor) {
        replaced = true;
        tunnels.forEach((name, tunnel) -> {
            tunnel.owner(successor.session);
            successor.tunnels.put(name, tunnel);
        });
        tunnels.clear();
    }

    // ---- tunnels ----

    private void whenActive(ControlMessage message, Runnable action) {
        if (state != State.ACTIVE) {
            session.close(ErrorCode.PROTOCOL_ERROR, message.getClass().getSimpleName() + " before authentication");
            return;
        }
        action.run();
    }

    private void onRegister(List<TunnelSpec> specs) {
        Set<String> seen = new HashSet<>();
        List<CompletableFuture<TunnelResult.Status>> results = new ArrayList<>();
        for (TunnelSpec spec : specs) {
            if (!seen.add(spec.name())) {
                results.add(CompletableFuture.completedFuture(
                        TunnelResult.Status.refused(spec.name(), "tunnel name listed twice")));
                continue;
            }
            results.add(registerInTurn(spec));
        }
        CompletableFuture.allOf(results.toArray(CompletableFuture[]::new)).whenComplete((ignored, error) -> {
            List<TunnelResult.Status> statuses = results.stream().map(CompletableFuture::join).toList();
            session.send(new TunnelResult(statuses));
            for (TunnelResult.Status status : statuses) {
                CompletableFuture<TunnelResult.Status> pushed = pushes.get(status.name());
                if (pushed != null) {
                    pushed.complete(status);
                }
            }
            if (state == State.ACTIVE && firstRegistration.complete(null)) {
                context.ledger().registered(this);
                context.hooks().registered(this);
            }
        });
    }

    /**
     * A client's answer to pushes it declined. A refusal completes the push waiting under its name; anything else
     * (an accepted status: a client accepts by registering; a push no longer waited for) changes nothing.
     */
    private void onDeclined(List<TunnelResult.Status> statuses) {
        for (TunnelResult.Status status : statuses) {
            CompletableFuture<TunnelResult.Status> pushed = pushes.get(status.name());
            if (!status.accepted() && pushed != null) {
                // The name stays the client's own (client.yaml) or nobody's: not the stored tunnel's.
                storedIds.remove(status.name());
                pushed.complete(status);
            }
        }
    }

    /** Registers {@code spec} once any earlier registration of its name has finished. */
    private CompletableFuture<TunnelResult.Status> registerInTurn(TunnelSpec spec) {
        String problem = TunnelNames.problem(spec);
        if (problem != null) {
            // Before the name is used as a key, a meter tag or a log field: its size is the peer's choice.
            logRefusal(TunnelNames.quote(spec.name()), problem);
            return CompletableFuture.completedFuture(TunnelResult.Status.refused(
                    spec.name() != null && spec.name().length() <= 64 ? spec.name() : "(invalid)", problem));
        }
        CompletableFuture<TunnelResult.Status> turn = registering.compute(spec.name(), (name, earlier) ->
                earlier == null ? register(spec) : earlier.handle((status, error) -> null)
                        .thenComposeAsync(x -> register(spec), session.channel().eventLoop()));
        turn.whenComplete((status, error) -> registering.remove(spec.name(), turn));
        return turn;
    }

    private CompletableFuture<TunnelResult.Status> register(TunnelSpec spec) {
        TunnelBinder binder = context.binders().get(spec.type());
        if (binder == null) {
            return CompletableFuture.completedFuture(TunnelResult.Status.refused(spec.name(),
                    "tunnel type " + spec.type().wireName() + " is not served here"));
        }
        UserTerms terms = context.accounts().terms(principal);
        String overPlan = PlanChecks.refusal(spec, terms);
        if (overPlan != null) {
            return refused(spec, overPlan);
        }
        if (tunnels.containsKey(spec.name())) {
            // A registration that replaces a tunnel of this client adds nothing to the count.
            return bind(spec, binder);
        }
        return onLoop(context.otherNodes().heldBy(principal, clientId), (elsewhere, failure) -> {
            if (failure != null) {
                log.warn("[client={} tunnel={}] cannot count the tunnels of user {} on the other nodes: {}",
                        clientId, spec.name(), principal.user(), failure.toString());
                return refused(spec, REGISTRY_UNAVAILABLE);
            }
            String tooMany = PlanChecks.tooMany(context.registry().tunnelsOf(principal) + elsewhere.tunnels(),
                    terms);
            if (tooMany != null) {
                context.metrics().quotaEvent(QuotaEvent.TUNNELS_LIMITED);
                return refused(spec, tooMany);
            }
            return bind(spec, binder);
        }).thenCompose(status -> status);
    }

    private CompletableFuture<TunnelResult.Status> refused(TunnelSpec spec, String reason) {
        logRefusal(spec.name(), reason);
        return CompletableFuture.completedFuture(TunnelResult.Status.refused(spec.name(), reason));
    }

    private CompletableFuture<TunnelResult.Status> bind(TunnelSpec spec, TunnelBinder binder) {
        PublicTunnel existing = tunnels.get(spec.name());
        if (existing != null) {
            if (existing.satisfies(spec)) {
                existing.owner(session);
                existing.storedId(storedIds.getOrDefault(spec.name(), existing.storedId()));
                return CompletableFuture.completedFuture(accepted(existing));
            }
            closeTunnel(spec.name());
        }
        return context.claims().refusal(spec, principal)
                .thenCompose(refusal -> refusal != null ? CompletableFuture.completedFuture(refusal)
                        : context.ledger().claim(this, spec))
                .thenComposeAsync(refusal -> refusal == null
                        ? binder.open(spec, session, principal).thenCompose(tunnel -> claimBound(spec, tunnel))
                        : CompletableFuture.<PublicTunnel>failedFuture(new TunnelRefusedException(refusal)),
                session.channel().eventLoop()).handle((tunnel, error) -> {
            if (error != null) {
                Throwable cause = error instanceof CompletionException ? error.getCause() : error;
                String reason = cause instanceof TunnelRefusedException ? cause.getMessage() : "internal error";
                if (!(cause instanceof TunnelRefusedException)) {
                    log.error("[client={} tunnel={}] cannot open", clientId, spec.name(), cause);
                }
                // Whatever the ledger took for it before the failure.
                context.ledger().release(this, spec.name());
                logRefusal(spec.name(), reason);
                context.metrics().tunnelRefused(spec.name(), principal.user());
                return TunnelResult.Status.refused(spec.name(), reason);
            }
            if (state == State.CLOSED) {
                tunnel.close();
                context.ledger().release(this, spec.name());
                return TunnelResult.Status.refused(spec.name(), "client disconnected");
            }
            tunnel.storedId(storedIds.getOrDefault(spec.name(), PublicTunnel.NOT_STORED));
            tunnels.put(spec.name(), tunnel);
            context.metrics().tunnelOpened(tunnel.name(), principal.user(), tunnel.type().wireName());
            context.hooks().tunnelOpened(this, tunnel.name(), tunnel.type().wireName(),
                    tunnel.publicAddress(context.publicHost()));
            log.info("[client={} tunnel={}] {} open at {}", clientId, spec.name(), tunnel.type().wireName(),
                    tunnel.publicAddress(context.publicHost()));
            return accepted(tunnel);
        }).toCompletableFuture();
    }

    /** A port the server picked is claimed once bound; held elsewhere, the tunnel closes and is refused. */
    private CompletableFuture<PublicTunnel> claimBound(TunnelSpec spec, PublicTunnel tunnel) {
        return context.ledger().claimBound(this, spec, tunnel).toCompletableFuture().thenApply(refusal -> {
            if (refusal != null) {
                tunnel.close();
                throw new CompletionException(new TunnelRefusedException(refusal));
            }
            return tunnel;
        });
    }

    private void logRefusal(String tunnel, String reason) {
        long held = refusalLog.acquire();
        if (held >= 0) {
            log.warn("[client={} tunnel={}] refused: {}{}", clientId, tunnel, reason,
                    held > 0 ? " (" + held + " earlier refusals of this client not logged)" : "");
        }
    }

    private TunnelResult.Status accepted(PublicTunnel tunnel) {
        return TunnelResult.Status.accepted(tunnel.name(), tunnel.publicAddress(context.publicHost()), tunnel.alsoAt());
    }

    /** Closes every public port of this client; streams already open run on. */
    public void closeTunnels() {
        for (String name : new ArrayList<>(tunnels.keySet())) {
            closeTunnel(name);
        }
    }

    private void closeTunnel(String name) {
        PublicTunnel tunnel = tunnels.remove(name);
        if (tunnel != null) {
            closed(name, tunnel, false);
        }
    }

    private void closed(String name, PublicTunnel tunnel, boolean withConnections) {
        if (withConnections) {
            tunnel.closeWithConnections();
        } else {
            tunnel.close();
        }
        if (state != State.CLOSED) {
            // A closed session's record went with its claims (ledger().closed): one statement, not one per tunnel.
            context.ledger().release(this, name);
        }
        context.metrics().tunnelClosed(name, principal.user(), tunnel.type().wireName());
        context.hooks().tunnelClosed(this, name, tunnel.type().wireName(), tunnel.publicAddress(context.publicHost()));
        log.info("[client={} tunnel={}] {} at {} closed{}", clientId, name, tunnel.type().wireName(),
                tunnel.publicAddress(context.publicHost()),
                withConnections ? " with its connections (removed by the server)" : "");
    }
}
