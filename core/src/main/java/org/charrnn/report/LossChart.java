package org.charrnn.report;

import com.fasterxml.jackson.databind.JsonNode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.XYStyler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/** Training and validation loss against iteration, learning rate on a second axis, as a PNG. */
public final class LossChart {
    public static final int WIDTH = 1200;
    public static final int HEIGHT = 700;

    private LossChart() {}

    /** Draws the chart from metrics.jsonl records as a PNG; throws if there is nothing to draw. */
    public static void write(List<JsonNode> metrics, String title, OutputStream out) throws IOException {
        BitmapEncoder.saveBitmap(chart(metrics, title), out, BitmapEncoder.BitmapFormat.PNG);
    }

    /** The chart itself: its series and axes, for drawing or inspection. */
    static XYChart chart(List<JsonNode> metrics, String title) {
        List<Double> it = new ArrayList<>();
        List<Double> train = new ArrayList<>();
        List<Double> lr = new ArrayList<>();
        List<Double> valIt = new ArrayList<>();
        List<Double> val = new ArrayList<>();
        for (JsonNode n : metrics) {
            if (n.has("val_loss")) {
                valIt.add(n.get("iteration").asDouble());
                val.add(n.get("val_loss").asDouble());
            } else if (n.has("train_loss")) {
                it.add(n.get("iteration").asDouble());
                train.add(n.get("train_loss").asDouble());
                lr.add(n.get("learning_rate").asDouble());
            }
        }
        if (it.isEmpty()) throw new IllegalArgumentException("no training iterations recorded yet");
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("iteration").yAxisTitle("loss (nats per character)").build();
        XYStyler st = chart.getStyler();
        // Below the plot, in one row: inside it the legend covered the learning-rate curve's start.
        st.setLegendPosition(Styler.LegendPosition.OutsideS);
        st.setLegendLayout(Styler.LegendLayout.Horizontal);
        st.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        st.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 16));
        st.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
        st.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
        st.setChartBackgroundColor(Color.WHITE);
        st.setPlotGridLinesColor(new Color(225, 225, 225));
        st.setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        // Round, well-spaced ticks: iterations from 0 with thousands separators, a tick every ~110 px.
        st.setXAxisMin(0.0);
        // Up to a round number past the last iteration: XChart also takes that as the sign to place
        // ticks at round values (for data at every integer it otherwise ticks every k-th point).
        st.setXAxisMax(roundAbove(it.get(it.size() - 1)));
        st.setXAxisDecimalPattern("#,##0");
        st.setYAxisDecimalPattern("0.0###"); // 0.003, not .003; 1.5 on the loss axis
        st.setXAxisTickMarkSpacingHint(110);
        st.setYAxisTickMarkSpacingHint(60);
        // The rate axis spans 0 to its peak, so a constant rate still gets a scale of several ticks.
        double peak = lr.stream().mapToDouble(Double::doubleValue).max().orElse(1);
        st.setYAxisMin(1, 0.0);
        st.setYAxisMax(1, peak > 0 ? peak * 1.05 : 1);

        XYSeries t = chart.addSeries("train loss (per iteration)", it, train);
        t.setMarker(SeriesMarkers.NONE);
        t.setLineColor(new Color(70, 130, 220, 90));
        t.setLineStyle(new BasicStroke(1f));
        XYSeries smooth = chart.addSeries("train loss (moving average)", it, smoothed(train));
        smooth.setMarker(SeriesMarkers.NONE);
        smooth.setLineColor(new Color(20, 70, 170));
        smooth.setLineStyle(new BasicStroke(2.5f));
        if (!val.isEmpty()) {
            XYSeries v = chart.addSeries("validation loss", valIt, val);
            v.setMarker(SeriesMarkers.CIRCLE);
            v.setMarkerColor(new Color(220, 60, 30));
            v.setLineColor(new Color(220, 60, 30));
            v.setLineStyle(new BasicStroke(2.5f));
        }
        XYSeries r = chart.addSeries("learning rate (right axis)", it, lr);
        r.setYAxisGroup(1);
        r.setMarker(SeriesMarkers.NONE);
        r.setLineColor(new Color(120, 120, 120));
        r.setLineStyle(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[]{6f, 4f}, 0f));
        chart.setYAxisGroupTitle(1, "learning rate");
        return chart;
    }

    /** The first multiple of a 1-2-5 step (about a tenth of {@code x}) above {@code x}. */
    static double roundAbove(double x) {
        double rough = Math.max(1, x / 10);
        double magnitude = Math.pow(10, Math.floor(Math.log10(rough)));
        double step = rough / magnitude < 1.5 ? magnitude : rough / magnitude < 3.5 ? 2 * magnitude
                : rough / magnitude < 7.5 ? 5 * magnitude : 10 * magnitude;
        return (Math.floor(x / step) + 1) * step;
    }

    /**
     * The per-iteration loss averaged over a trailing window of ~2 % of the run (at least 10
     * iterations), so the trend reads through the minibatch-to-minibatch noise.
     */
    static List<Double> smoothed(List<Double> values) {
        int window = Math.max(10, values.size() / 50);
        List<Double> out = new ArrayList<>(values.size());
        double sum = 0;
        for (int i = 0; i < values.size(); i++) {
            sum += values.get(i);
            if (i >= window) sum -= values.get(i - window);
            out.add(sum / Math.min(i + 1, window));
        }
        return out;
    }
}
