package org.charrnn.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A self-contained HTML page in the style of "The Unreasonable Effectiveness of RNNs": the text
 * with each character's background coloured by one neuron (an LSTM cell's tanh(c), a GRU's or
 * RNN's hidden unit h; blue positive, red negative), and under every character the model's five likeliest next characters, shaded by
 * probability. A menu switches between the most varying cells (and the one asked for).
 */
public final class ActivationPage {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ActivationPage() {}

    public static String render(ActivationTrace trace, List<ActivationTrace.Cell> cells, String title) throws IOException {
        ObjectNode data = JSON.createObjectNode();
        data.put("title", title);
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
        String json = JSON.writeValueAsString(data).replace("</", "<\\/"); // never close the script element early
        String neuron = trace.cellType().toUpperCase(java.util.Locale.ROOT) + (trace.quantity().equals("h") ? " unit" : " cell");
        return TEMPLATE.replace("%TITLE%", escape(title)).replace("%NEURON%", neuron).replace("%QUANTITY%", trace.quantity())
                .replace("%DATA%", json);
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
              .legend span { display: inline-block; padding: 1px 6px; margin-right: 4px; font-family: monospace; }
              #text { font-family: "DejaVu Sans Mono", monospace; font-size: 15px; line-height: 1.1; }
              .ch { display: inline-block; vertical-align: top; text-align: center; margin: 0 0 10px 0; min-width: 0.62em; }
              .c { display: block; padding: 3px 1px; white-space: pre; border-radius: 2px; }
              .top5 { display: block; font-size: 9px; line-height: 1.15; color: #111; }
              .top5 span { display: block; white-space: pre; }
              .nl { display: block; height: 0; }
            </style>
            </head>
            <body>
            <h1>%TITLE%</h1>
            <div class="controls">
              <label>%NEURON%: <select id="cell"></select></label>
              <span class="legend">%QUANTITY%: <span style="background: rgba(220,40,20,0.9)">-1</span><span>0</span><span style="background: rgba(30,100,230,0.9)">+1</span>
              &nbsp; under each character: the five likeliest next characters, darker = more likely</span>
            </div>
            <div id="text"></div>
            <script>
            const DATA = %DATA%;
            const shown = c => c === "\\n" ? "\\u21b5" : c === " " ? "\\u2423" : c === "\\t" ? "\\u21e5" : c;
            function colour(v) {
              const a = Math.min(1, Math.abs(v)).toFixed(3);
              return v >= 0 ? `rgba(30,100,230,${a})` : `rgba(220,40,20,${a})`;
            }
            function render(k) {
              const cell = DATA.cells[k];
              const root = document.getElementById("text");
              root.innerHTML = "";
              DATA.text.forEach((ch, i) => {
                const box = document.createElement("span");
                box.className = "ch";
                const c = document.createElement("span");
                c.className = "c";
                c.textContent = ch === "\\n" ? "\\u21b5" : ch;
                c.style.background = colour(cell.values[i]);
                c.title = `layer ${cell.layer} cell ${cell.index}: ${cell.values[i]}`;
                box.appendChild(c);
                const top = document.createElement("span");
                top.className = "top5";
                DATA.top5[i].forEach(([g, p]) => {
                  const s = document.createElement("span");
                  s.className = "guess";
                  s.textContent = shown(g);
                  s.style.background = `rgba(20,150,60,${p})`;
                  s.title = `${(100 * p).toFixed(1)} %`;
                  top.appendChild(s);
                });
                box.appendChild(top);
                root.appendChild(box);
                if (ch === "\\n") {
                  const br = document.createElement("span");
                  br.className = "nl";
                  root.appendChild(br);
                }
              });
            }
            const select = document.getElementById("cell");
            DATA.cells.forEach((c, k) => {
              const o = document.createElement("option");
              o.value = k;
              o.textContent = `layer ${c.layer}, cell ${c.index} (spread ${c.spread})`;
              select.appendChild(o);
            });
            select.addEventListener("change", () => render(+select.value));
            render(0);
            </script>
            </body>
            </html>
            """;
}
