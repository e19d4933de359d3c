package dev.portway.testkit;

import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/** Runs before any test class loads, so every buffer allocated in the run is watched by a recording detector. */
public final class LeakDetectorInstaller implements LauncherSessionListener {
    @Override
    public void launcherSessionOpened(LauncherSession session) {
        RecordingLeakDetectorFactory.install();
    }
}
