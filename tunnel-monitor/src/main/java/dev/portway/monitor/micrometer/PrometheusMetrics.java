package dev.portway.monitor.micrometer;

import dev.portway.monitor.MeterReadings;
import dev.portway.monitor.TunnelMetrics;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The process's meters in a Prometheus registry: Portway's own ({@link #recorder()}), the JVM's (memory, GC,
 * threads, classes, CPU, uptime) and Netty's allocators, rendered in the Prometheus text format by
 * {@link #scrape(OutputStream)}. One per server or client process; close it to stop the GC listener.
 */
public final class PrometheusMetrics implements AutoCloseable {
    /** The Prometheus text exposition format, version 0.0.4: what every Prometheus scraper accepts. */
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();
    private final MicrometerTunnelMetrics recorder;

    /** A server's meters. */
    public PrometheusMetrics() {
        this(true);
    }

    /** A client's meters: without the families only a server records. */
    public static PrometheusMetrics forClient() {
        return new PrometheusMetrics(false);
    }

    private PrometheusMetrics(boolean serverFamilies) {
        lintClean(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gc.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new ProcessCpuTime().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new NettyAllocatorMetrics().bindTo(registry);
        recorder = new MicrometerTunnelMetrics(registry, serverFamilies);
    }

    /**
     * Keeps every name {@code promtool check metrics} accepts: Micrometer's {@code process_cpu_time_ns_total} (an
     * abbreviated unit) gives way to {@link ProcessCpuTime}'s seconds, and {@code system_cpu_count} (a {@code _count}
     * suffix on a gauge, which reads as part of a summary) becomes {@code system_cpus}. Filters apply to meters
     * registered after them, so this runs first.
     */
    private static void lintClean(MeterRegistry registry) {
        registry.config()
                .meterFilter(MeterFilter.deny(id -> id.getName().equals("process.cpu.time")))
                .meterFilter(new MeterFilter() {
                    @Override
                    public Meter.Id map(Meter.Id id) {
                        return id.getName().equals("system.cpu.count") ? id.withName("system.cpus") : id;
                    }
                });
    }

    public TunnelMetrics recorder() {
        return recorder;
    }

    /** The same meters, read back for the server's own alerts and live events. */
    public MeterReadings readings() {
        return recorder;
    }

    /** Writes every meter in the text format of {@link #CONTENT_TYPE}. CPU-bound, a few milliseconds. */
    public void scrape(OutputStream out) throws IOException {
        registry.scrape(out);
    }

    public String scrape() {
        return registry.scrape();
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
