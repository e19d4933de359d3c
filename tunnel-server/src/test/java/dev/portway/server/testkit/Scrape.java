package dev.portway.server.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/** One Prometheus scrape of an admin listener, parsed into series and metric names. */
public final class Scrape {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String text;
    private final Map<String, Double> series = new LinkedHashMap<>();
    private final Set<String> names = new TreeSet<>();

    private Scrape(String text) {
        this.text = text;
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int valueAt = line.lastIndexOf(' ');
            String key = line.substring(0, valueAt);
            series.put(key, Double.parseDouble(line.substring(valueAt + 1)));
            int labelsAt = key.indexOf('{');
            names.add(labelsAt < 0 ? key : key.substring(0, labelsAt));
        }
    }

    public static HttpResponse<String> get(InetSocketAddress admin, String path) throws IOException, InterruptedException {
        return send(admin, path, "GET");
    }

    public static HttpResponse<String> send(InetSocketAddress admin, String path, String method)
            throws IOException, InterruptedException {
        URI uri = URI.create(AdminHttp.baseUrl(admin) + path);
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public static Scrape of(InetSocketAddress admin) throws IOException, InterruptedException {
        HttpResponse<String> response = get(admin, "/metrics");
        if (response.statusCode() != 200) {
            throw new AssertionError("GET /metrics answered " + response.statusCode() + ": " + response.body());
        }
        return new Scrape(response.body());
    }

    /** A scrape read from text, such as a registry's own rendering. */
    public static Scrape parse(String text) {
        return new Scrape(text);
    }

    /** Scrapes until {@code condition} holds, for meters updated after the event a test waits on. */
    public static Scrape until(InetSocketAddress admin, Predicate<Scrape> condition) throws Exception {
        long deadline = System.nanoTime() + TunnelFixture.WAIT.toNanos();
        Scrape scrape = of(admin);
        while (!condition.test(scrape)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("scrape never matched within " + TunnelFixture.WAIT + ":\n" + scrape.text);
            }
            Thread.sleep(50);
            scrape = of(admin);
        }
        return scrape;
    }

    /** The value of one series written exactly as exported, e.g. {@code name{a="1",b="2"}}; null if absent. */
    public Double value(String seriesKey) {
        return series.get(seriesKey);
    }

    /**
     * The sum of every series whose key, as exported, starts with {@code prefix}: {@code name{} for all of a metric's
     * series, {@code name{label="value"} for those whose first label (labels are sorted) has that value.
     */
    public double sum(String prefix) {
        double sum = 0;
        for (Map.Entry<String, Double> entry : series.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                sum += entry.getValue();
            }
        }
        return sum;
    }

    /** Metric names as exported, including histogram suffixes such as {@code _bucket}. */
    public Set<String> names() {
        return names;
    }

    public String text() {
        return text;
    }

    /** Fails unless {@code promtool check metrics} has nothing to say of {@code text}; promtool must be on the PATH. */
    public static void assertPromtoolClean(String text) throws IOException, InterruptedException {
        Programs.Result check = Programs.run(text, List.of("promtool", "check", "metrics"));
        if (check.exitCode() != 0 || !check.output().isBlank()) {
            throw new AssertionError("promtool check metrics exited " + check.exitCode() + ": " + check.output());
        }
    }
}
