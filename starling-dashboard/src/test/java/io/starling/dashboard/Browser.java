package io.starling.dashboard;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Debian's headless Chromium driven by its chromedriver (packages chromium and chromium-driver), with the flags it
 * needs on a host without network access; skips the calling test loudly when either is missing.
 */
final class Browser implements AutoCloseable {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The screenshots the docs show, taken by the tests (docs/dashboard/ in the repository). */
    static final Path SCREENSHOTS = Path.of("..", "docs", "dashboard");
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    static void assumeInstalled() {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String why = "chromium or chromium-driver not installed (/usr/bin/chromium, /usr/bin/chromedriver); "
                    + "install Debian's chromium and chromium-driver to run the dashboard's browser tests";
            if (WARNED.compareAndSet(false, true)) {
                System.err.println("*** SKIPPED: " + why);
            }
            Assumptions.assumeTrue(false, why);
        }
    }

    static Browser start() {
        assumeInstalled();
        try {
            Path profile = Files.createTempDirectory("starling-chromium");
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--disable-extensions",
                    "--window-size=1280,900", "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(new File(CHROMEDRIVER.toString())).usingAnyFreePort().build();
            return new Browser(new ChromeDriver(service, options), profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    WebDriverWait waiting() {
        return new WebDriverWait(driver, Duration.ofSeconds(15));
    }

    WebElement await(By by) {
        return waiting().until(ExpectedConditions.visibilityOfElementLocated(by));
    }

    void awaitText(By by, String text) {
        waiting().until(ExpectedConditions.textToBePresentInElementLocated(by, text));
    }

    void type(By by, String text) {
        WebElement e = await(by);
        // Not clear(): it fires no input event, so the page's model would keep the old text.
        e.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.BACK_SPACE);
        e.sendKeys(text);
    }

    /** Opens the page from the navigation and waits until it is the current one. */
    void go(String page) {
        await(By.cssSelector("a[href='#/" + page + "']")).click();
        await(By.cssSelector("a[href='#/" + page + "'][aria-current='page']"));
    }

    void logIn(String password) {
        type(By.id("login-username"), "admin");
        type(By.id("login-password"), password);
        driver.findElement(By.cssSelector("form[aria-label='Log in'] button[type=submit]")).click();
    }

    /** The first visit: log in as admin/public, change the forced password, land on the overview. */
    void firstLogin(String url, String password) {
        driver.get(url);
        logIn("public");
        await(By.id("new-password")).sendKeys(password);
        type(By.id("repeat-password"), password);
        driver.findElement(By.cssSelector("form[aria-label='Change password'] button")).click();
        await(By.cssSelector("a[href='#/clients']"));
    }

    void size(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** A PNG of the window into docs/dashboard/{name}.png. */
    void screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Files.write(SCREENSHOTS.resolve(name + ".png"), driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (var files = Files.walk(profile)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary profile left behind is harmless.
        }
    }
}
