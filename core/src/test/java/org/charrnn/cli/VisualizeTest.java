package org.charrnn.cli;

import org.charrnn.testing.HeadlessChrome;
import org.charrnn.testing.TestTexts;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The activation page: its data, and rendered for real in headless Chromium (skipped only without one). */
class VisualizeTest {
    @TempDir
    Path tmp;

    private Path trained() throws IOException {
        Path text = TestTexts.write(tmp, "grammar.txt", TestTexts.grammar(6000, 8));
        Path cfg = Files.writeString(tmp.resolve("v.yaml"), String.join("\n", "data:", "  input: " + text,
                "model:", "  rnn_size: 16", "  num_layers: 2", "train:", "  batch_size: 8", "  seq_length: 20",
                "  max_epochs: 1", "  eval_val_every: 100", "  print_every: 100", "  checkpoint_dir: " + tmp.resolve("run"),
                "sample:", "  every: 0", ""));
        assertEquals(0, CliRunner.run("train", cfg.toString()).code());
        return tmp.resolve("run/best.zip");
    }

    @Test
    void pageRendersColouredCharactersWithTopFiveGuesses() throws Exception {
        Path page = tmp.resolve("page.html");
        String text = "the cat sees the moon.\nmy friend likes a red apple.";
        CliRunner.Result r = CliRunner.run("visualize", trained().toString(), "--prime", text, "--layer", "1", "--cell", "3",
                "--top-cells", "5", "--out", page.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Most varying cells"), r.out());
        String html = Files.readString(page);
        assertTrue(html.contains("\"layer\":1,\"index\":3"), "the requested cell comes first");
        assertEquals(6, count(html, "\"spread\":"), "requested cell + 5 most varying");

        Path chromium = Chromium.find();
        assumeTrue(chromium != null, "no chromium here: install Debian's chromium to run this check");
        String dom = Chromium.dumpDom(chromium, page.toUri().toString());
        int chars = text.length();
        assertEquals(chars, count(dom, "class=\"ch\""), "one span per character, flowing as written");
        assertEquals(0, count(dom, "class=\"top5\""), "the top-5 guesses only on hover until asked for");
        // Chromium writes alpha 1 as rgb(...), anything else as rgba(...).
        assertEquals(chars, countRegex(dom, "class=\"c\"[^>]*style=\"background: rgba?\\((30, 100, 230|220, 40, 20)"),
                "every character is coloured by the cell");
        assertEquals(6, count(dom, "<option"), "the cell menu");

        String columns = Chromium.dumpDom(chromium, page.toUri() + "#top5");
        assertEquals(chars, count(columns, "class=\"top5\""), "with the toggle on, a top-5 column under every character");
        assertEquals(chars * 5, count(columns, "class=\"guess\""), "five guesses each");
    }

    @Test
    void theDefaultPageLandsBesideTheCheckpointNamedByTheRunAndShowsTwentyLinesOnAScreen() throws Exception {
        Path best = trained();
        Path text = TestTexts.write(tmp, "long.txt", TestTexts.grammar(3000, 3));
        CliRunner.Result r = CliRunner.run("visualize", best.toString(), "--text", text.toString());
        assertEquals(0, r.code(), r.err());
        Path page = best.getParent().resolve("visualize.html");
        assertTrue(r.out().startsWith("Wrote " + page.toAbsolutePath()), r.out());
        assumeTrue(HeadlessChrome.available(), HeadlessChrome.MISSING);
        WebDriver browser = HeadlessChrome.start(tmp, 1400, 1000);
        try {
            browser.get(page.toUri().toString());
            assertTrue(browser.getTitle().startsWith("v (best.zip, lstm 2×16)"), browser.getTitle());
            long lines = (Long) ((JavascriptExecutor) browser).executeScript(
                    "const tops = new Set();"
                            + "for (const e of document.querySelectorAll('.ch')) {"
                            + "  const r = e.getBoundingClientRect();"
                            + "  if (r.bottom <= window.innerHeight && r.height > 0) tops.add(Math.round(r.top));"
                            + "}"
                            + "return tops.size;");
            assertTrue(lines >= 20, "lines of text on the first screen at 1400×1000: " + lines);
        } finally {
            browser.quit();
        }
    }

    @Test
    void refusesUnknownCharactersAndOtherCores() throws IOException {
        Path best = trained();
        CliRunner.Result r = CliRunner.run("visualize", best.toString(), "--prime", "ZZZ");
        assertEquals(2, r.code());
        assertEquals("visualize: the text has characters " + best + " does not know: 'Z' (drop them with --skip-unknown)",
                r.message());
    }

    private static int countRegex(String haystack, String regex) {
        Matcher m = Pattern.compile(regex).matcher(haystack);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    private static int count(String haystack, String needle) {
        Matcher m = Pattern.compile(Pattern.quote(needle)).matcher(haystack);
        int n = 0;
        while (m.find()) n++;
        return n;
    }

    /** Debian's chromium, run headless as root on a closed network. */
    static final class Chromium {
        static Path find() {
            for (String p : new String[]{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
                if (Files.isExecutable(Path.of(p))) return Path.of(p);
            }
            return null;
        }

        static String dumpDom(Path chromium, String url) throws Exception {
            Path profile = Files.createTempDirectory("chromium-profile");
            Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile, "--dump-dom", url)
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            byte[] out = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chromium finished");
            return new String(out, StandardCharsets.UTF_8);
        }
    }
}
