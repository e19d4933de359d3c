package dev.portway.monitor.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.Map;

/**
 * POSTs each notification as one JSON object:
 * {@code {"alert", "state": "firing"|"resolved", "severity", "labels": {...}, "summary", "startsAt", "endsAt"}}
 * (times in ISO-8601 UTC; {@code endsAt} null while firing).
 */
public final class WebhookNotifier implements Notifier {

    private final URI url;
    private final String target;
    private final AlertDelivery delivery;

    public WebhookNotifier(URI url, AlertDelivery delivery) {
        this.url = url;
        // Scheme, host and port only: a path or query may carry a receiver's secret.
        this.target = "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort());
        this.delivery = delivery;
    }

    @Override
    public void send(AlertNotification n) {
        delivery.post(url, target, body(n));
    }

    static ObjectNode body(AlertNotification n) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("alert", n.alert());
        body.put("state", n.state().label());
        body.put("severity", n.severity());
        ObjectNode labels = body.putObject("labels");
        n.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> labels.put(e.getKey(), e.getValue()));
        body.put("summary", n.summary());
        body.put("startsAt", n.startsAt().toString());
        body.put("endsAt", n.endsAt() == null ? null : n.endsAt().toString());
        return body;
    }
}
