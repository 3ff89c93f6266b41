package org.charrnn.testing;

import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Debian's chromium driven by its chromium-driver, headless, at a given window size; null where either is missing. */
public final class HeadlessChrome {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    public static final String MISSING = "no chromium and chromium-driver here: install Debian's chromium and chromium-driver to run this check";

    private HeadlessChrome() {}

    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER);
    }

    public static WebDriver start(Path profileParent, int width, int height) throws IOException {
        if (!available()) return null;
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                        "--window-size=" + width + "," + height, "--user-data-dir=" + Files.createTempDirectory(profileParent, "profile"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile()).build();
        return new ChromeDriver(service, options);
    }
}
