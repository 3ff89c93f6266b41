package org.charrnn.api;

import org.charrnn.cli.CliRunner;
import org.charrnn.testing.TestTexts;
import org.charrnn.testing.TrainedModels;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The library API: the same text and scores as the command line, safe to share between threads. */
class CharRnnModelTest {
    @TempDir
    static Path tmp;
    static Path best;
    static CharRnnModel model;

    @BeforeAll
    static void train() {
        best = TrainedModels.tiny(tmp, "lstm");
        model = CharRnnModel.load(best);
    }

    @Test
    void seededSampleIsTheCommandLinesText() {
        SampleRequest r = SampleRequest.builder().prime("the cat ").length(300).temperature(0.7).seed(42L).build();
        String text = model.sample(r).text();
        assertEquals(300, text.codePointCount(0, text.length()));
        CliRunner.Result cli = CliRunner.run("sample", best.toString(), "--prime", "the cat ", "-n", "300", "-t", "0.7", "--seed", "42");
        assertEquals(0, cli.code(), cli.err());
        assertEquals("the cat " + text + "\n", cli.out());
        assertEquals(text, model.sample(r).text(), "the same seed, the same text");
        assertNotEquals(text, model.sample(SampleRequest.builder().prime("the cat ").length(300).temperature(0.7).seed(43L).build()).text());
    }

    @Test
    void aDrawnSeedIsReportedAndRepeatsTheSample() {
        Generation g = model.sample(SampleRequest.builder().length(200).build());
        String text = g.text();
        assertEquals(text, model.sample(SampleRequest.builder().length(200).seed(g.seed()).build()).text());
    }

    @Test
    void scoreIsEvalOfTheSameText() {
        String text = TestTexts.grammar(3000, 99);
        Path file = TestTexts.write(tmp, "held-out.txt", text);
        Score s = model.score(text);
        assertTrue(s.natsPerChar() < 1.6, "a model that learned the grammar: " + s);
        CliRunner.Result cli = CliRunner.run("eval", best.toString(), "--file", file.toString());
        assertEquals(0, cli.code(), cli.err());
        assertTrue(cli.out().contains(String.format(Locale.ROOT, "%.4f nats/char, %.4f bits/char over %,d characters",
                s.natsPerChar(), s.bitsPerChar(), s.characters())), cli.out() + " vs " + s);
        assertEquals(s, model.score(file, (done, total) -> { }));
    }

    @Test
    void concurrentSamplesEachKeepTheirOwnState() throws Exception {
        List<SampleRequest> requests = new ArrayList<>();
        for (int i = 0; i < 12; i++) requests.add(SampleRequest.builder().prime(i % 2 == 0 ? "a dog " : "").length(400).seed((long) i).build());
        List<String> alone = requests.stream().map(r -> model.sample(r).text()).toList();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<String>> together = new ArrayList<>();
            for (SampleRequest r : requests) together.add(pool.submit(() -> model.sample(r).text()));
            Future<Score> scored = pool.submit(() -> model.score("the cat sees the moon. a dog takes the ball."));
            for (int i = 0; i < requests.size(); i++) assertEquals(alone.get(i), together.get(i).get(), "request " + i);
            assertEquals(model.score("the cat sees the moon. a dog takes the ball."), scored.get());
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void generationsInterleavedOnOneThreadDoNotShareState() {
        SampleRequest a = SampleRequest.builder().prime("the ").length(100).seed(5L).build();
        SampleRequest b = SampleRequest.builder().prime("my ").length(100).seed(6L).build();
        Generation ga = model.sample(a);
        Generation gb = model.sample(b);
        StringBuilder ta = new StringBuilder();
        StringBuilder tb = new StringBuilder();
        while (ga.hasNext()) {
            ta.append(ga.next());
            tb.append(gb.next());
        }
        assertEquals(model.sample(a).text(), ta.toString());
        assertEquals(model.sample(b).text(), tb.toString());
    }

    @Test
    void badRequestsNameTheField() {
        InvalidRequestException e = assertThrows(InvalidRequestException.class,
                () -> model.sample(SampleRequest.builder().prime("the Zoo €").build()));
        assertEquals("prime", e.field());
        assertEquals(List.of("Z", "€"), e.unknown());
        assertEquals("prime: has characters the model does not know: 'Z', U+20AC '€'", e.getMessage());
        assertEquals("the oo ", model.sample(SampleRequest.builder().prime("the Zoo €").skipUnknown(true).length(1).build()).prime());
        assertEquals("top_k", assertThrows(InvalidRequestException.class,
                () -> model.sample(SampleRequest.builder().topK(1000).build())).field());
        assertEquals("temperature", assertThrows(InvalidRequestException.class, () -> SampleRequest.builder().temperature(0).build()).field());
        assertEquals("length", assertThrows(InvalidRequestException.class, () -> SampleRequest.builder().length(-1).build()).field());
        assertEquals("text", assertThrows(InvalidRequestException.class, () -> model.score("a")).field());
        assertEquals("split", assertThrows(InvalidRequestException.class, () -> model.scoreSplit("dev", (d, t) -> { })).field());
        CharRnnException missing = assertThrows(CharRnnException.class, () -> CharRnnModel.load(tmp.resolve("nope.zip")));
        assertTrue(missing.getMessage().contains("nope.zip"), missing.getMessage());
    }

    @Test
    void infoDescribesTheCheckpoint() {
        ModelInfo info = model.info();
        assertEquals("lstm", info.cell());
        assertEquals(2, info.layers());
        assertEquals(32, info.rnnSize());
        assertEquals(model.vocabulary(), info.vocabulary());
        assertTrue(info.parameters() > 10_000, "parameters " + info.parameters());
        assertTrue(info.iteration() > 0 && !info.validations().isEmpty());
        assertTrue(info.config().contains("rnn_size: 32"), info.config());
    }

    @Test
    void traceRecordsEveryNeuronAfterEveryCharacter() {
        var trace = model.trace("the cat sees the moon.");
        assertEquals(22, trace.codePoints().length);
        assertEquals(22, trace.top5().size());
        assertEquals(64, trace.mostVarying(1000).size(), "2 layers × 32 cells");
    }
}
