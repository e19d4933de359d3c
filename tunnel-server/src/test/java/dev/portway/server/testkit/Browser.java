package dev.portway.server.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoSuchElementException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's Chromium, headless, driven through Debian's chromium-driver (packages {@code chromium},
 * {@code chromium-driver}, installed by .ci/run). Both paths are given to Selenium, so Selenium Manager never tries to
 * download a browser or a driver (there is no network for it here). Screenshots are written beside the failsafe
 * reports, in {@code target/failsafe-reports/screenshots/}, so they travel with the test report.
 */
public final class Browser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final Path SCREENSHOTS = Path.of("target", "failsafe-reports", "screenshots");

    private final ChromeDriver driver;

    private Browser(ChromeDriver driver) {
        this.driver = driver;
    }

    public static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    }

    /** A browser with a window of 1280 x 900 px. */
    public static Browser start() {
        return start(1280, 900);
    }

    /**
     * A browser with a window of the given size in CSS pixels and a fresh profile (no cookies, no cache): chromedriver
     * creates it in a temporary directory and removes it on {@link #close}.
     */
    public static Browser start(int width, int height) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        // --no-sandbox: CI runs as root, where Chromium refuses its sandbox; the pages loaded are the project's own.
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--no-first-run", "--disable-extensions",
                "--window-size=" + width + "," + height);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().window().setSize(new Dimension(width, height));
        return new Browser(driver);
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    /** The element once it is visible, failing after 15 s. */
    public WebElement visible(By by) {
        return until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    /** Waits up to 15 s for {@code condition} to return a non-null, non-false value, and returns it. */
    public <T> T until(Function<? super WebDriver, T> condition) {
        return new WebDriverWait(driver, WAIT).until(condition);
    }

    /**
     * The element's visible text, or "" when there is no such element or the page just replaced it: for conditions
     * polled with {@link #until} on pages that re-render.
     */
    public String text(By by) {
        try {
            return driver.findElement(by).getText();
        } catch (NoSuchElementException | StaleElementReferenceException e) {
            return "";
        }
    }

    /** Renders the pages as if the system preferred {@code light} or {@code dark} ({@code prefers-color-scheme}). */
    public void prefersColorScheme(String scheme) {
        driver.executeCdpCommand("Emulation.setEmulatedMedia",
                Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** Every cookie of the profile as Chromium's DevTools report them, HttpOnly ones too: name, value, httpOnly, sameSite... */
    @SuppressWarnings("unchecked")
    public List<Map<String, Object>> cookies() {
        return (List<Map<String, Object>>) driver.executeCdpCommand("Network.getAllCookies", Map.of()).get("cookies");
    }

    /** Saves a PNG of the viewport as {@code <name>.png} with the test report, and returns its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.move(driver.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
    }
}
