package org.charrnn.serve;

import org.charrnn.api.ModelInfo;
import org.charrnn.report.ActivationPage;

import java.util.Locale;

/** The page at {@code /} (index.html with the model's description and the neuron renderer inlined): nothing is fetched from elsewhere. */
final class Page {
    private Page() {}

    static String render(String modelName, ModelInfo info, ServerSettings settings) {
        String summary = String.format(Locale.ROOT, "%s %d×%d · %,d parameters · %d characters · %s",
                info.cell().toUpperCase(Locale.ROOT), info.layers(), info.rnnSize(), info.parameters(), info.vocabulary().size(),
                Double.isFinite(info.bestValLoss())
                        ? String.format(Locale.ROOT, "best val loss %.4f nats/char after %.2f epochs", info.bestValLoss(), info.epoch())
                        : String.format(Locale.ROOT, "%.2f epochs, not validated", info.epoch()));
        return ActivationPage.resource("/org/charrnn/serve/index.html")
                .replace("%TITLE%", escape(modelName))
                .replace("%SUMMARY%", escape(summary))
                .replace("%MAX_LENGTH%", Integer.toString(settings.maxLength()))
                .replace("%MAX_TRACE%", Integer.toString(settings.maxTraceChars()))
                .replace("%CSS%", ActivationPage.resource("neurons.css"))
                .replace("%JS%", ActivationPage.resource("neurons.js"));
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
