package org.charrnn.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a peer's command line with a given number of threads and returns what it printed. The peers
 * get the OpenBLAS environment a user of theirs would have: whatever this process was given, except
 * an OPENBLAS_CORETYPE our own launcher chose for us (it says so in CHARRNN_CORETYPE_CHOSEN), and no
 * OpenMP wait policy of ours (the launcher's PASSIVE; {@code extraEnv} may set one).
 */
final class PeerProcess {
    private PeerProcess() {}

    /** What a run printed, and its peak resident memory (the largest of its processes, MiB; NaN off Linux). */
    record Output(String text, double peakRssMiB) {}

    static Output run(List<String> cmd, int threads, Map<String, String> extraEnv) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(cmd)).redirectErrorStream(true);
        asAPeerUserHasIt(pb.environment(), threads, extraEnv);
        Process p = pb.start();
        PeakMemory peak = PeakMemory.watch(p.toHandle());
        StringBuilder sb = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) sb.append(line).append('\n');
        }
        int code = p.waitFor();
        double rss = peak.stop();
        if (code != 0) throw new IOException("peer failed: " + String.join(" ", cmd) + "\n" + tail(sb.toString()));
        return new Output(sb.toString(), rss);
    }

    /** A peer's environment: ours without what our launcher chose for us, with {@code threads} OpenMP threads and {@code extraEnv}. */
    static void asAPeerUserHasIt(Map<String, String> env, int threads, Map<String, String> extraEnv) {
        if ("1".equals(env.get("CHARRNN_CORETYPE_CHOSEN"))) env.remove("OPENBLAS_CORETYPE");
        env.remove("CHARRNN_CORETYPE_CHOSEN");
        env.put("OMP_NUM_THREADS", "" + threads);
        env.remove("OMP_WAIT_POLICY");
        env.putAll(extraEnv);
    }

    /** The last match of {@code p}'s first group in {@code out}, as a number (NaN when there is none). */
    static double last(Pattern p, String out) {
        Matcher m = p.matcher(out);
        double last = Double.NaN;
        while (m.find()) last = Double.parseDouble(m.group(1));
        return last;
    }

    /** The kernels a run's verbose lines name: OpenBLAS's "Core: X" and oneDNN's "isa:..." (each once). */
    static String kernels(String out) {
        List<String> found = new ArrayList<>();
        Matcher core = Pattern.compile("Core: (\\S+)").matcher(out);
        if (core.find()) found.add("OpenBLAS " + core.group(1));
        Matcher isa = Pattern.compile("onednn_verbose,(?:v1,)?info,cpu,isa:([^\\n]+)").matcher(out);
        if (isa.find()) found.add("oneDNN " + isa.group(1).trim());
        return found.isEmpty() ? "?" : String.join(", ", found);
    }

    private static String tail(String s) {
        String[] lines = s.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(lines, Math.max(0, lines.length - 15), lines.length));
    }
}
