package dev.portway.admin.tunnels;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import dev.portway.admin.http.Json;
import dev.portway.protocol.control.IpRules;
import dev.portway.protocol.control.RateLimit;
import dev.portway.protocol.relay.Bandwidth;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The fields of a stored tunnel kept in its {@code options} JSON column: who may reach it and how often. The API
 * writes them, the server reads them when it pushes the tunnel; this record is the one shape both use.
 *
 * @param ipAllow   networks public peers must come from; empty: any
 * @param ipDeny    networks refused
 * @param rateLimit requests per client address, as client.yaml writes it ({@code 600/m}); http tunnels only
 * @param maxConnections public connections the tunnel carries at once; null: no limit of its own
 * @param bandwidthLimit bytes per second each way, as client.yaml writes it ({@code 512KB}, {@code 1MB}); the client
 *                       that serves the tunnel enforces it
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record TunnelOptions(List<String> ipAllow, List<String> ipDeny, String rateLimit, Integer maxConnections,
                            String bandwidthLimit) {
    public static final TunnelOptions NONE = new TunnelOptions(null, null, null, null, null);

    public TunnelOptions {
        ipAllow = ipAllow == null ? List.of() : List.copyOf(ipAllow);
        ipDeny = ipDeny == null ? List.of() : List.copyOf(ipDeny);
    }

    /** The options a stored row holds; fields this version does not know are ignored. */
    public static TunnelOptions parse(String json) {
        if (json == null || json.isBlank()) {
            return NONE;
        }
        try {
            return Json.MAPPER.readerFor(TunnelOptions.class)
                    .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .readValue(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored tunnel options are not JSON: " + e.getOriginalMessage(), e);
        }
    }

    public String toJson() {
        return new String(Json.write(this), StandardCharsets.UTF_8);
    }

    /** The rules as the protocol carries them; null when there are none. */
    public IpRules ipRules() {
        return ipAllow.isEmpty() && ipDeny.isEmpty() ? null : new IpRules(ipAllow, ipDeny);
    }

    /** 0 when there is none. */
    public int maxConnectionsOrNone() {
        return maxConnections == null ? 0 : maxConnections;
    }

    /** 0 when there is none; the value was checked when it was stored. */
    public long bandwidthBytesPerSecond() {
        return bandwidthLimit == null ? 0 : Bandwidth.parse(bandwidthLimit);
    }

    /** Null when there is none; the value was checked when it was stored. */
    public RateLimit parsedRateLimit() {
        return rateLimit == null ? null : RateLimit.parse(rateLimit);
    }
}
