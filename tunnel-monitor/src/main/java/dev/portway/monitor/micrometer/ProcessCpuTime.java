package dev.portway.monitor.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * The CPU time the process has used, in seconds: {@code process_cpu_seconds_total}, the name and unit every
 * Prometheus client library uses. Micrometer's own {@code process.cpu.time} counts nanoseconds, which its Prometheus
 * naming renders as {@code process_cpu_time_ns_total}, a name {@code promtool check metrics} rejects; a filter can
 * rename a meter but not rescale it, so this one replaces it. Absent on a JVM that does not report CPU time.
 */
final class ProcessCpuTime implements MeterBinder {
    static final String NAME = "process.cpu";

    @Override
    public void bindTo(MeterRegistry registry) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean hotspot && hotspot.getProcessCpuTime() >= 0) {
            FunctionCounter.builder(NAME, hotspot, bean -> bean.getProcessCpuTime() / 1e9)
                    .baseUnit("seconds")
                    .description("CPU time used by the process")
                    .register(registry);
        }
    }
}
