package org.charrnn.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A self-contained HTML page in the style of "The Unreasonable Effectiveness of RNNs": the text
 * flowing as written, each character's background coloured by one neuron (an LSTM cell's tanh(c), a
 * GRU's or RNN's hidden unit h; blue positive, red negative), the model's five likeliest next
 * characters on hover or, with a toggle, under every character. A menu switches between the most
 * varying neurons (and the one asked for). The renderer (neurons.js, neurons.css) is shared with
 * {@code charrnn serve}'s page.
 */
public final class ActivationPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActivationPage() {}

    public static String render(ActivationTrace trace, List<ActivationTrace.Cell> cells, String title) throws IOException {
        String json = JSON.writeValueAsString(data(trace, cells)).replace("</", "<\\/"); // never close the script element early
        return TEMPLATE.replace("%TITLE%", escape(title)).replace("%NEURON%", neuronWord(trace)).replace("%QUANTITY%", trace.quantity())
                .replace("%CSS%", resource("neurons.css")).replace("%JS%", resource("neurons.js")).replace("%DATA%", json);
    }

    /** "LSTM cell", "GRU unit", "RNN unit": what one neuron of the trace is called. */
    public static String neuronWord(ActivationTrace trace) {
        return trace.cellType().toUpperCase(java.util.Locale.ROOT) + (trace.quantity().equals("h") ? " unit" : " cell");
    }

    /** The data neurons.js draws: the text, the chosen cells' activations, the top-5 guesses after each character. */
    public static ObjectNode data(ActivationTrace trace, List<ActivationTrace.Cell> cells) {
        ObjectNode data = JSON.createObjectNode();
        data.put("neuron", neuronWord(trace));
        data.put("quantity", trace.quantity());
        ArrayNode text = data.putArray("text");
        for (int cp : trace.codePoints()) text.add(new String(Character.toChars(cp)));
        ArrayNode cellsJson = data.putArray("cells");
        Set<String> seen = new LinkedHashSet<>();
        for (ActivationTrace.Cell c : cells) {
            if (!seen.add(c.layer() + ":" + c.index())) continue;
            ObjectNode n = cellsJson.addObject();
            n.put("layer", c.layer());
            n.put("index", c.index());
            n.put("spread", Math.round(c.spread() * 1000) / 1000.0);
            ArrayNode v = n.putArray("values");
            for (float x : c.values()) v.add(Math.round(x * 1000) / 1000.0);
        }
        ArrayNode top = data.putArray("top5");
        for (ActivationTrace.Guess[] guesses : trace.top5()) {
            ArrayNode row = top.addArray();
            for (ActivationTrace.Guess g : guesses) {
                row.addArray().add(new String(Character.toChars(g.codePoint()))).add(Math.round(g.probability() * 1000) / 1000.0);
            }
        }
        return data;
    }

    /** A file of the shared renderer (neurons.css, neurons.js), to inline in a page. */
    public static String resource(String name) {
        try (InputStream in = ActivationPage.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException("missing resource " + name + " in the jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read resource " + name, e);
        }
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static final String TEMPLATE = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>%TITLE%</title>
            <style>
              body { font-family: system-ui, sans-serif; margin: 24px; color: #222; }
              h1 { font-size: 20px; margin: 0 0 8px; }
              .controls { margin: 8px 0 16px; }
            %CSS%
            </style>
            </head>
            <body>
            <h1>%TITLE%</h1>
            <div class="controls">
              <label>%NEURON%: <select id="cell"></select></label>
              <label><input type="checkbox" id="columns"> top-5 under each character</label>
              <span class="neuron-legend">%QUANTITY%: <span style="background: rgba(220,40,20,0.9)">-1</span><span>0</span><span style="background: rgba(30,100,230,0.9)">+1</span>
              &nbsp; hover a character for the model's five likeliest next characters</span>
            </div>
            <div id="text"></div>
            <script>
            %JS%
            const DATA = %DATA%;
            const toggle = document.getElementById("columns");
            toggle.checked = location.hash === "#top5";
            Neurons.attach(document.getElementById("text"), DATA, document.getElementById("cell"), toggle, DATA.quantity);
            </script>
            </body>
            </html>
            """;
}
