package org.charrnn.api;

import org.charrnn.testing.TrainedModels;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** The programs in examples/ compile against the library and do what they say on a checkpoint trained here. */
class ExamplesTest {
    @TempDir
    Path tmp;

    @Test
    void sampleFromJavaPrintsTheApisSampleAndScore() throws Exception {
        Path best = TrainedModels.tiny(tmp, "gru");
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "a JDK, not a JRE");
        Path classes = tmp.resolve("classes");
        ByteArrayOutputStream diagnostics = new ByteArrayOutputStream();
        int rc = javac.run(null, diagnostics, diagnostics, "-d", classes.toString(), "-cp", System.getProperty("java.class.path"),
                Path.of("examples", "SampleFromJava.java").toString());
        assertEquals(0, rc, diagnostics.toString(StandardCharsets.UTF_8));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrintStream saved = System.out;
        try (URLClassLoader loader = new URLClassLoader(new URL[]{classes.toUri().toURL()}, getClass().getClassLoader())) {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            loader.loadClass("SampleFromJava").getMethod("main", String[].class).invoke(null, (Object) new String[]{best.toString(), "the "});
        } finally {
            System.setOut(saved);
        }
        CharRnnModel model = CharRnnModel.load(best);
        SampleRequest r = SampleRequest.builder().prime("the ").length(300).temperature(0.8).seed(42L).build();
        String text = model.sample(r).text();
        String expected = text + System.lineSeparator() + String.format(Locale.ROOT, "gru, %d parameters, %.3f bits/char on the prime and its sample%n",
                model.info().parameters(), model.score("the " + text).bitsPerChar());
        assertEquals(expected, out.toString(StandardCharsets.UTF_8));
    }
}
