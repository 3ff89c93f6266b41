package org.charrnn.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The loss chart reads: round, spaced iteration ticks, a rate axis with a scale, a smoothed train curve over the raw one. */
class LossChartTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A noisy falling train loss at a constant rate (the case whose rate axis had a single tick) and a few validations. */
    private static List<JsonNode> run(int iterations) {
        Random r = new Random(1);
        List<JsonNode> m = new ArrayList<>();
        for (int i = 1; i <= iterations; i++) {
            ObjectNode n = JSON.createObjectNode().put("iteration", i).put("train_loss", 1.5 + 2.0 / Math.sqrt(i) + 0.3 * r.nextGaussian())
                    .put("learning_rate", 2e-3);
            m.add(n);
            if (i % 1000 == 0) m.add(JSON.createObjectNode().put("iteration", i).put("val_loss", 1.6 + 2.0 / Math.sqrt(i)));
        }
        return m;
    }

    @Test
    void axesHaveRoundSpacedTicksAndTheRateAxisAScale() {
        XYChart chart = LossChart.chart(run(3_317), "t");
        var st = chart.getStyler();
        assertEquals(0.0, st.getXAxisMin(), "iterations from 0, so the ticks fall on round numbers");
        assertEquals("#,##0", st.getXAxisDecimalPattern());
        assertTrue(st.getXAxisTickMarkSpacingHint() >= 100, "at most one tick per ~100 px of a 1200 px chart");
        assertEquals(0.0, st.getYAxisMin(1), "a constant rate still gets an axis from 0");
        assertTrue(st.getYAxisMax(1) > 2e-3, "and up past its peak");
    }

    @Test
    void theMovingAverageFollowsTheTrendWithoutTheNoise() {
        XYChart chart = LossChart.chart(run(3_317), "t");
        XYSeries raw = chart.getSeriesMap().get("train loss (per iteration)");
        XYSeries smooth = chart.getSeriesMap().get("train loss (moving average)");
        double[] y = raw.getYData();
        double[] s = smooth.getYData();
        assertEquals(y.length, s.length);
        double rawJumps = 0;
        double smoothJumps = 0;
        for (int i = 1000; i < y.length; i++) {
            rawJumps += Math.abs(y[i] - y[i - 1]);
            smoothJumps += Math.abs(s[i] - s[i - 1]);
        }
        assertTrue(smoothJumps < rawJumps / 10, "smoothed " + smoothJumps + " vs raw " + rawJumps);
        double trend = 1.5 + 2.0 / Math.sqrt(3_000);
        assertEquals(trend, s[2999], 0.1, "the average sits on the trend");
    }
}
