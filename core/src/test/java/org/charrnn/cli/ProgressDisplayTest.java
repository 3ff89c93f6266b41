package org.charrnn.cli;

import org.charrnn.train.StartReport;
import org.charrnn.train.TrainingEvents.Progress;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What training shows, at 80 columns on a terminal and in a pipe, for the sizes a user meets. */
class ProgressDisplayTest {
    private static final Progress LATE = new Progress(21_149, 21_150, 49.998, 1.23456, 1.8e-4, 43_210, 45_000, 3 * 3600 + 125, 40_000, 0);
    private static final Progress EARLY = new Progress(73, 345, 0.63, 3.1102, 2e-3, 17_800, 19_000, 44, 10, 0);

    @Test
    void theBarFitsEightyColumnsWithItsFiguresLabelled() {
        for (Progress p : List.of(EARLY, LATE)) {
            String line = TrainingBar.line(p, 79); // the library keeps a right margin
            assertTrue(line.length() <= 79, line);
            assertTrue(line.contains(" it  loss ") && line.contains(" ch/s  ETA "), line);
            int cells = line.indexOf(']') - line.indexOf('[') - 1;
            assertTrue(cells >= 10, "a bar of at least ten cells: " + line);
        }
        assertEquals("train  21% [████▏               ] 73/345 it  loss 3.110  17,800 ch/s  ETA 0m44s",
                TrainingBar.line(EARLY, 79));
    }

    /** Under a budget that ends the run before max_epochs would, the bar and the lines count its time, and the total never jumps. */
    @Test
    void aTimeBudgetThatGovernsTheRunIsShownAsTime() {
        Progress budgeted = new Progress(310, 21_150, 0.73, 2.01, 2.8e-3, 52_000, 55_000, 458, 122, 580);
        assertTrue(budgeted.timeGoverns());
        assertEquals(122.0 / 580, budgeted.fraction(), 1e-12);
        String line = TrainingBar.line(budgeted, 79);
        assertTrue(line.startsWith("train  21% [") && line.contains("] 2m02s/9m40s  loss 2.010  52,000 ch/s  ETA 7m38s"), line);
        assertEquals("310 it, 2m02s/9m40s (epoch 0.73) train_loss 2.0100 lr 2.80e-03 52,000 ch/s ETA 7m38s",
                ProgressPrinter.pipeLine(budgeted));
        Progress iterationsFirst = new Progress(20_000, 21_150, 47.3, 1.3, 2e-4, 52_000, 55_000, 30, 400, 3600);
        assertFalse(iterationsFirst.timeGoverns(), "a budget the epochs end before: counted in iterations");
        assertTrue(TrainingBar.line(iterationsFirst, 79).contains("20000/21150 it"));
    }

    @Test
    void onANarrowTerminalTheSpeedThenTheLossGiveWayButTheEtaStays() {
        String at50 = TrainingBar.line(EARLY, 50);
        assertTrue(at50.length() <= 50 && at50.contains("ETA 0m44s") && !at50.contains("ch/s"), at50);
        String at40 = TrainingBar.line(EARLY, 40);
        assertTrue(at40.length() <= 40 && at40.contains("ETA 0m44s") && !at40.contains("loss"), at40);
    }

    @Test
    void aDistributedRunShowsItsComputeAndCommunicationAndTheyGiveWayFirst() {
        Progress spark = new Progress(73, 345, 0.63, 3.1102, 2e-3, 17_800, 19_000, 44, 10, 0, "spark 17.8 ms compute + 4.3 ms other");
        assertEquals("73/345 (epoch 0.63) train_loss 3.1102 lr 2.00e-03 17,800 ch/s ETA 0m44s | spark 17.8 ms compute + 4.3 ms other",
                ProgressPrinter.pipeLine(spark));
        assertTrue(TrainingBar.line(spark, 140).endsWith("ETA 0m44s  spark 17.8 ms compute + 4.3 ms other"), TrainingBar.line(spark, 140));
        assertEquals(TrainingBar.line(EARLY, 79), TrainingBar.line(spark, 79), "at 80 columns the bar keeps its own figures");
    }

    @Test
    void pipeLinesAndValidationLinesFitEightyColumns() {
        String pipe = ProgressPrinter.pipeLine(LATE);
        assertEquals("21149/21150 (epoch 50.00) train_loss 1.2346 lr 1.80e-04 43,210 ch/s ETA 3h02m", pipe);
        assertTrue(pipe.length() <= 80);
        List<String> val = ProgressPrinter.validationLines(21_150, 50.0, 1.52345, 1.3211,
                Path.of("models/tinyshakespeare/lm_gru_epoch50.00_1.5235.zip"), true);
        assertEquals(List.of("Validation at 21150 (epoch 50.00): val_loss 1.5235 (2.198 bits/char)",
                "  mean_train_loss 1.3211; saved lm_gru_epoch50.00_1.5235.zip (best so far)"), val);
        for (String l : val) assertTrue(l.length() <= 80, l);
    }

    @Test
    void theStartReportSaysWhatACharRnnUserLooksFor() {
        StartReport r = new StartReport("tinyshakespeare", 0, new StartReport.Model("gru", 2, 256, 0.1, 658_497),
                new StartReport.Text(65, 1_059_624, 55_770, 0), new StartReport.Schedule(423, 2500, 50, 21_150, 580),
                Path.of("models/tinyshakespeare"));
        List<String> lines = ProgressPrinter.report(r, "2 for products (oneDNN avx512_core_bf16), ND4J 2");
        assertEquals(List.of("run tinyshakespeare: a new run",
                "model: gru, 2 layers of 256, dropout 0.1: 658,497 parameters",
                "data: vocabulary 65; 1,059,624 train, 55,770 val, 0 test characters",
                "epoch: 423 iterations of 2,500 characters; max_epochs 50 = 21,150 iterations",
                "budget: 9m40s of training (train.max_time), whichever ends first",
                "checkpoints: models/tinyshakespeare",
                "threads: 2 for products (oneDNN avx512_core_bf16), ND4J 2"), lines);
        for (String l : lines) assertTrue(l.length() <= 80, l);
        StartReport resumed = new StartReport("x", 3, new StartReport.Model("lstm", 1, 8, 0, 100), new StartReport.Text(5, 1000, 50, 0),
                new StartReport.Schedule(2, 100, 5, 10, 0), Path.of("d"));
        assertEquals("run x: resuming at iteration 3 (epoch 1.50)", ProgressPrinter.report(resumed, "").get(0));
        assertFalse(String.join("\n", ProgressPrinter.report(resumed, "")).contains("budget"));
    }
}
