package dev.portway.monitor.alerts;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.util.Map;

/**
 * Sends each notification as a message through the Telegram Bot API ({@code POST <baseUrl>/bot<token>/sendMessage}
 * with {@code chat_id} and plain {@code text}). The token is part of the URL, so neither the URL nor the token is
 * ever logged: logs say {@code telegram chat=<chatId>}.
 */
public final class TelegramNotifier implements Notifier {
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.telegram.org");

    private final URI sendMessage;
    private final String chatId;
    private final AlertDelivery delivery;

    public TelegramNotifier(URI baseUrl, String token, String chatId, AlertDelivery delivery) {
        String base = baseUrl.toString().replaceAll("/+$", "");
        this.sendMessage = URI.create(base + "/bot" + token + "/sendMessage");
        this.chatId = chatId;
        this.delivery = delivery;
    }

    @Override
    public void send(AlertNotification n) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("chat_id", chatId);
        body.put("text", text(n));
        delivery.post(sendMessage, "telegram chat=" + chatId, body);
    }

    static String text(AlertNotification n) {
        String mark = n.state() == AlertState.FIRING ? "FIRING" : "RESOLVED";
        StringBuilder text = new StringBuilder().append('[').append(mark).append("] ").append(n.alert()).append('\n')
                .append(n.summary());
        n.labels().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> text.append('\n').append(e.getKey()).append('=').append(e.getValue()));
        text.append("\nsince ").append(n.startsAt());
        if (n.endsAt() != null) {
            text.append(", resolved ").append(n.endsAt());
        }
        return text.toString();
    }
}
