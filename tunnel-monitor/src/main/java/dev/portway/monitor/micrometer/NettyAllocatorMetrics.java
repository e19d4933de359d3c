package dev.portway.monitor.micrometer;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import io.netty.buffer.PooledByteBufAllocator;

import java.util.Locale;

/**
 * Memory held by Netty's allocators. Netty 4.2 channels allocate from {@link ByteBufAllocator#DEFAULT} (the
 * adaptive allocator unless {@code io.netty.allocator.type} says otherwise); {@link PooledByteBufAllocator#DEFAULT}
 * is reported too because libraries may use it directly. The gauges read the allocators' own counters at scrape
 * time, so nothing is recorded on the allocation path.
 */
public final class NettyAllocatorMetrics implements MeterBinder {
    @Override
    public void bindTo(MeterRegistry registry) {
        bind(registry, "default", ByteBufAllocator.DEFAULT);
        if (ByteBufAllocator.DEFAULT != PooledByteBufAllocator.DEFAULT) {
            bind(registry, "pooled", PooledByteBufAllocator.DEFAULT);
        }
    }

    private static void bind(MeterRegistry registry, String name, ByteBufAllocator allocator) {
        if (!(allocator instanceof ByteBufAllocatorMetricProvider provider)) {
            return;
        }
        ByteBufAllocatorMetric metric = provider.metric();
        String kind = allocator.getClass().getSimpleName().toLowerCase(Locale.ROOT);
        Gauge.builder(MeterNames.NETTY_USED_DIRECT_MEMORY, metric, ByteBufAllocatorMetric::usedDirectMemory)
                .description("Direct memory held by a Netty allocator")
                .baseUnit("bytes")
                .tags("allocator", name, "kind", kind)
                .register(registry);
        Gauge.builder(MeterNames.NETTY_USED_HEAP_MEMORY, metric, ByteBufAllocatorMetric::usedHeapMemory)
                .description("Heap memory held by a Netty allocator")
                .baseUnit("bytes")
                .tags("allocator", name, "kind", kind)
                .register(registry);
    }
}
