package dev.portway.client.inspect;

import io.netty.buffer.ByteBuf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayDeque;

/**
 * Records the exchanges of one HTTP/1.1 connection into an {@link InspectLog} from the bytes that cross it: requests
 * on the way to the local service, responses on the way back, several of each on a kept-alive connection, responses
 * matched to requests in order. A response that switches protocols ends the recording (frames are not HTTP); so does
 * anything that is not HTTP, which leaves the exchanges in progress marked incomplete and the connection untouched.
 *
 * <p>Threading: one thread at a time (the connection's event loop, or the replaying thread). Reference counting: the
 * buffers it is shown are only read, never retained or released. Never throws.
 */
public final class ExchangeObserver {
    private static final Logger log = LoggerFactory.getLogger(ExchangeObserver.class);
    /** Requests sent ahead of their responses (pipelining) that are followed; more stops the recording. */
    static final int MAX_AWAITING = 64;

    private final InspectLog inspectLog;
    private final String tunnel;
    private final String peer;
    private final long replayOf;
    private final HttpMessageParser requests = new HttpMessageParser(true, new RequestSide());
    private final HttpMessageParser responses = new HttpMessageParser(false, new ResponseSide());
    /** Requests whose response has not ended, oldest first. */
    private final ArrayDeque<Recording> awaiting = new ArrayDeque<>();
    /** The request whose bytes are arriving. */
    private Recording receiving;
    /** The id of the last exchange started, for a replay to find its result; only the id, never its bodies. */
    private long latestId;

    /**
     * @param peer     the public peer, as the stream's OPEN gave it
     * @param replayOf the exchange this connection replays; 0 for tunnel traffic
     */
    public ExchangeObserver(InspectLog inspectLog, String tunnel, String peer, long replayOf) {
        this.inspectLog = inspectLog;
        this.tunnel = tunnel;
        this.peer = peer;
        this.replayOf = replayOf;
    }

    /** Bytes on their way to the local service. */
    public void request(ByteBuf buf) {
        if (!requests.stopped()) {
            guarded(requests, buf);
        }
    }

    /** Bytes on their way back from the local service. */
    public void response(ByteBuf buf) {
        if (!responses.stopped()) {
            guarded(responses, buf);
        }
    }

    /** The connection ended: a response framed by its end is complete, anything else in progress is not. */
    public void closed() {
        try {
            responses.end();
            requests.end();
            abandon("the connection ended before the exchange did");
        } catch (RuntimeException e) {
            log.warn("inspector stopped on an error; the connection is not affected", e);
        }
    }

    /** Whether every exchange started has ended (or none has started). */
    boolean idle() {
        return receiving == null && awaiting.isEmpty();
    }

    /** The id of the exchange started last; 0 before the first. */
    long latestId() {
        return latestId;
    }

    private void guarded(HttpMessageParser parser, ByteBuf buf) {
        try {
            parser.feed(buf);
            // Once per buffer, not per change: a small exchange read whole in one buffer is published once.
            for (Recording recording : awaiting) {
                recording.publishIfChanged();
            }
        } catch (RuntimeException e) {
            log.warn("inspector stopped on an error; the connection is not affected", e);
            stop("inspector error: " + e);
        }
    }

    private void stop(String reason) {
        log.debug("[tunnel={} peer={}] recording stopped: {}", tunnel, peer, reason);
        requests.stop();
        responses.stop();
        abandon(reason);
    }

    private void abandon(String reason) {
        if (receiving != null && !awaiting.contains(receiving)) {
            receiving.incomplete(reason);
        }
        receiving = null;
        while (!awaiting.isEmpty()) {
            awaiting.poll().incomplete(reason);
        }
    }

    private final class RequestSide implements HttpMessageParser.Listener {
        @Override
        public Framing onHead(HttpHead head) {
            if (awaiting.size() >= MAX_AWAITING) {
                throw new IllegalArgumentException("more than " + MAX_AWAITING + " requests awaiting responses");
            }
            Framing framing = Framing.of(head);
            receiving = new Recording(head);
            latestId = receiving.id;
            awaiting.add(receiving);
            return framing;
        }

        @Override
        public void onBody(ByteBuf buf, int index, int length) {
            receiving.requestBody.append(buf, index, length);
            receiving.dropBodiesIfEvicted();
        }

        @Override
        public void onEnd() {
            Recording ended = receiving;
            receiving = null;
            ended.requestEnded();
            if (ended.request.header("Upgrade") != null && ended.request.lists("Connection", "upgrade")) {
                // If the service agrees, what follows are another protocol's frames; if it declines, the client
                // closes or sends another request, which goes unrecorded: rare, and never mistaken for frames.
                requests.stop();
            }
        }

        @Override
        public void onFailure(String reason) {
            stop("not HTTP/1.1 any more (request: " + reason + ")");
        }
    }

    private final class ResponseSide implements HttpMessageParser.Listener {
        /** The message being read is an interim (1xx) response, not the answer. */
        private boolean interim;

        @Override
        public Framing onHead(HttpHead head) {
            Recording answered = awaiting.peek();
            if (answered == null) {
                throw new IllegalArgumentException("a response without a request");
            }
            int status = head.status();
            boolean tunnelled = answered.request.method().equals("CONNECT") && status / 100 == 2;
            if (status == 101 || tunnelled) {
                answered.switched(head);
                awaiting.poll();
                requests.stop();
                return Framing.SWITCHED;
            }
            if (status < 200) {
                interim = true;
                return Framing.NONE;
            }
            answered.responseStarted(head);
            if (answered.request.method().equals("HEAD") || status == 204 || status == 304) {
                return Framing.NONE;
            }
            return Framing.of(head);
        }

        @Override
        public void onBody(ByteBuf buf, int index, int length) {
            Recording answered = awaiting.peek();
            answered.responseBody.append(buf, index, length);
            answered.dropBodiesIfEvicted();
        }

        @Override
        public void onEnd() {
            if (interim) {
                interim = false;
                return;
            }
            awaiting.poll().responseEnded();
        }

        @Override
        public void onFailure(String reason) {
            stop("not HTTP/1.1 any more (response: " + reason + ")");
        }
    }

    /** One exchange while it is being recorded; every change is published to the log as a new snapshot. */
    private final class Recording {
        final long id = inspectLog.nextId();
        final long startNanos = System.nanoTime();
        final Instant startedAt = Instant.now();
        final HttpHead request;
        final BodyBuffer requestBody = new BodyBuffer(inspectLog.maxBodyBytes(), this::charge);
        final BodyBuffer responseBody = new BodyBuffer(inspectLog.maxBodyBytes(), this::charge);
        final InspectLog.Slot slot;
        RecordedBody requestRecorded;
        HttpHead response;
        RecordedBody responseRecorded;
        Exchange.State state = Exchange.State.REQUEST;
        long requestNanos = -1;
        long firstByteNanos = -1;
        long totalNanos = -1;
        /** Changed since its last snapshot was published. */
        boolean changed;

        Recording(HttpHead request) {
            this.request = request;
            this.slot = inspectLog.add(snapshot(null));
        }

        private boolean charge(long bytes) {
            return slot.charge(bytes);
        }

        void dropBodiesIfEvicted() {
            if (slot.evicted()) {
                requestBody.drop();
                responseBody.drop();
                if (requestRecorded != null) {
                    requestRecorded = new RecordedBody(new byte[0], requestRecorded.size());
                }
                slot.release();
            }
        }

        void requestEnded() {
            requestNanos = System.nanoTime() - startNanos;
            requestRecorded = requestBody.toBody();
            if (state == Exchange.State.REQUEST) {
                state = Exchange.State.RESPONSE;
            }
            if (state == Exchange.State.COMPLETE) {
                publish(null); // answered early (a 413, say): no longer awaiting, so published here
            } else {
                // A request without a body looks the same until its response starts: one snapshot fewer.
                changed |= requestRecorded.size() > 0 || state != Exchange.State.RESPONSE;
            }
        }

        void responseStarted(HttpHead head) {
            response = head;
            firstByteNanos = System.nanoTime() - startNanos;
            changed = true;
        }

        void publishIfChanged() {
            if (changed) {
                publish(null);
            }
        }

        void responseEnded() {
            totalNanos = System.nanoTime() - startNanos;
            state = Exchange.State.COMPLETE;
            responseRecorded = responseBody.toBody();
            publish(null);
        }

        void switched(HttpHead head) {
            response = head;
            firstByteNanos = totalNanos = System.nanoTime() - startNanos;
            state = Exchange.State.UPGRADED;
            responseRecorded = RecordedBody.EMPTY;
            publish(null);
        }

        void incomplete(String reason) {
            state = Exchange.State.INCOMPLETE;
            if (requestRecorded == null) {
                requestRecorded = requestBody.toBody();
            }
            if (response != null && responseRecorded == null) {
                responseRecorded = responseBody.toBody();
            }
            publish(reason);
        }

        /** @param note why the exchange is incomplete; null when it is not */
        private void publish(String note) {
            changed = false;
            inspectLog.update(slot, snapshot(note));
            boolean over = state == Exchange.State.UPGRADED || state == Exchange.State.INCOMPLETE
                    || state == Exchange.State.COMPLETE && requestRecorded != null;
            if (over) {
                // Nothing more is recorded: its bodies are the snapshot's alone, charged until the log lets go.
                slot.release();
            }
        }

        private Exchange snapshot(String note) {
            return new Exchange(id, tunnel, peer, replayOf, startedAt, request, requestRecorded, response,
                    responseRecorded, state, requestNanos, firstByteNanos, totalNanos, note);
        }
    }
}
