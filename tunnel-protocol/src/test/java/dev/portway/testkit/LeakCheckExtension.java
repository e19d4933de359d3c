package dev.portway.testkit;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.List;

/**
 * Fails a test class when Netty reported a leaked buffer while it ran. Registered for every test class through
 * JUnit's extension auto-detection. Leaks surface only after the garbage collector has found the lost buffer and a
 * later allocation has polled the detector, hence the collections and allocations below.
 */
public final class LeakCheckExtension implements AfterAllCallback {
    @Override
    public void afterAll(ExtensionContext context) throws InterruptedException {
        for (int round = 0; round < 3; round++) {
            System.gc();
            Thread.sleep(20);
            pollDetectors();
        }
        List<String> leaks = RecordingLeakDetectorFactory.drain();
        if (!leaks.isEmpty()) {
            throw new AssertionError(leaks.size() + " buffer leak(s) reported during "
                    + context.getDisplayName() + ":\n" + String.join("\n\n", leaks));
        }
    }

    private static void pollDetectors() {
        for (int i = 0; i < 16; i++) {
            ByteBuf pooled = PooledByteBufAllocator.DEFAULT.directBuffer(1);
            pooled.release();
            ByteBuf heap = PooledByteBufAllocator.DEFAULT.heapBuffer(1);
            heap.release();
            ByteBuf unpooled = UnpooledByteBufAllocator.DEFAULT.buffer(1);
            unpooled.release();
        }
    }
}
