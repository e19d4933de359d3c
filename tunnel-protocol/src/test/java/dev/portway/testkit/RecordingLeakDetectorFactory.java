package dev.portway.testkit;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;

import java.util.ArrayList;
import java.util.List;

/**
 * Leak detectors that remember every leak they report, so a test run can fail on one instead of only logging it.
 * Installed before any buffer class is loaded by {@link LeakDetectorInstaller}.
 */
public final class RecordingLeakDetectorFactory extends ResourceLeakDetectorFactory {
    private static final List<String> LEAKS = new ArrayList<>();

    static void install() {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingLeakDetectorFactory());
    }

    /** Returns the leaks reported since the last call and forgets them. */
    public static synchronized List<String> drain() {
        List<String> leaks = new ArrayList<>(LEAKS);
        LEAKS.clear();
        return leaks;
    }

    private static synchronized void record(String leak) {
        LEAKS.add(leak);
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
        return new ResourceLeakDetector<>(resource, samplingInterval) {
            @Override
            protected void reportTracedLeak(String resourceType, String records) {
                record(resourceType + " leaked:" + records);
                super.reportTracedLeak(resourceType, records);
            }

            @Override
            protected void reportUntracedLeak(String resourceType) {
                record(resourceType + " leaked (no records)");
                super.reportUntracedLeak(resourceType);
            }
        };
    }
}
