package dev.portway.protocol.mux;

import dev.portway.protocol.control.ControlMessage;
import dev.portway.protocol.control.GoAway;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A session listener that records every callback; streams the peer opens get a {@link RecordingHandler}. */
final class RecordingListener implements SessionListener {
    final List<ControlMessage> controls = new ArrayList<>();
    final List<GoAway> goAways = new ArrayList<>();
    final Map<Integer, TunnelStream> accepted = new LinkedHashMap<>();
    final Map<Integer, RecordingHandler> handlers = new LinkedHashMap<>();
    Function<TunnelStream, StreamHandler> acceptor = stream -> new RecordingHandler(true);
    int ready;
    int closed;
    Throwable closeCause;

    @Override
    public void onReady(TunnelSession session) {
        ready++;
    }

    @Override
    public void onControl(TunnelSession session, ControlMessage message) {
        controls.add(message);
    }

    @Override
    public StreamHandler onStreamOpened(TunnelSession session, TunnelStream stream) {
        StreamHandler handler = acceptor.apply(stream);
        if (handler != null) {
            accepted.put(stream.id(), stream);
            if (handler instanceof RecordingHandler recording) {
                handlers.put(stream.id(), recording);
            }
        }
        return handler;
    }

    @Override
    public void onGoAway(TunnelSession session, GoAway goAway) {
        goAways.add(goAway);
    }

    @Override
    public void onClosed(TunnelSession session, Throwable cause) {
        closed++;
        closeCause = cause;
    }
}
