package org.charrnn.serve;

import org.charrnn.api.CharRnnModel;
import org.charrnn.api.SampleRequest;
import org.charrnn.testing.HeadlessChrome;
import org.charrnn.testing.TrainedModels;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The served page in a real headless Chromium (Debian's chromium and chromium-driver; skipped
 * without them): type a prime, Generate, watch the text stream in, stop it, see the neurons.
 */
class PageInBrowserTest {
    @TempDir
    static Path tmp;
    static CharRnnModel model;
    static ModelServer server;
    static URI base;
    static WebDriver browser;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(HeadlessChrome.available(), HeadlessChrome.MISSING);
        model = CharRnnModel.load(TrainedModels.tiny(tmp, "lstm"));
        server = new ModelServer(model, "run/best.zip", ServerSettings.defaults().withPort(0).withMaxLength(5_000_000));
        base = server.start();
        browser = HeadlessChrome.start(tmp, 1400, 1000);
    }

    @AfterAll
    static void stop() {
        if (browser != null) browser.quit();
        if (server != null) server.close();
    }

    @Test
    void generateStreamsTheSeededTextAndTheNeuronViewRenders() throws Exception {
        browser.get(base.toString());
        assertTrue(browser.getTitle().contains("run/best.zip"), browser.getTitle());
        browser.findElement(By.id("prime")).sendKeys("the cat ");
        setValue("length", "300");
        setValue("seed", "7");
        browser.findElement(By.id("generate")).click();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> d.findElement(By.id("status")).getText().contains("seed 7"));
        String expected = model.sample(SampleRequest.builder().prime("the cat ").length(300).temperature(0.8).seed(7L).build()).text();
        assertEquals("the cat " + expected, text("output"), "the page shows the prime and the API's text for the seed");

        // The neuron view follows the generation: one span per character, coloured, with a menu of neurons.
        wait.until(d -> d.findElements(By.cssSelector("#neurons .ch")).size() == ("the cat " + expected).length());
        assertEquals(20, browser.findElements(By.cssSelector("#cell option")).size());
        String background = browser.findElement(By.cssSelector("#neurons .ch .c")).getCssValue("background-color");
        assertTrue(background.matches("rgba?\\((30, 100, 230|220, 40, 20).*"), background);
        assertTrue(browser.findElement(By.id("neuron-word")).getText().equals("LSTM cell"));
        browser.findElement(By.id("columns")).click();
        assertEquals(("the cat " + expected).length() * 5, browser.findElements(By.cssSelector("#neurons .guess")).size(),
                "the top-5 toggle puts five guesses under every character");
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("core", "target", "serve-page.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void textAppearsWhileItIsDrawnAndStopEndsTheGeneration() {
        browser.get(base.toString());
        setValue("length", "5000000");
        browser.findElement(By.id("generate")).click();
        WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(30));
        wait.until(d -> text("output").length() > 500);
        assertTrue(browser.findElement(By.id("stop")).isEnabled(), "still generating while text is shown");
        assertTrue(server.running() >= 1);
        browser.findElement(By.id("stop")).click();
        wait.until(d -> d.findElement(By.id("status")).getText().startsWith("stopped after"));
        wait.until(d -> server.running() == 0);
    }

    @Test
    void aBadRequestShowsTheServersMessage() {
        browser.get(base.toString());
        browser.findElement(By.id("prime")).sendKeys("Zebra");
        browser.findElement(By.id("generate")).click();
        new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> !d.findElement(By.id("status")).getText().isEmpty()
                && !d.findElement(By.id("status")).getText().startsWith("generating"));
        assertEquals("prime: has characters the model does not know: 'Z'", browser.findElement(By.id("status")).getText());
    }

    private static String text(String id) {
        return (String) ((JavascriptExecutor) browser).executeScript("return document.getElementById(arguments[0]).textContent", id);
    }

    private static void setValue(String id, String value) {
        WebElement e = browser.findElement(By.id(id));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = arguments[1]", e, value);
    }
}
