package org.charrnn.cli;

import org.charrnn.model.MemoryEstimate;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The memory a command's process is given, sized to its model before ND4J loads. The launcher starts
 * the JVM with a modest heap ceiling and {@code -Dcharrnn.memory=auto}; a command that knows its model
 * ({@link Command#memoryNeed}) then sets JavaCPP's off-heap limit from it and, when the model needs
 * more heap than the ceiling, starts itself again with the heap it needs ({@link Relaunch}). Within the
 * ceiling the launcher's collector settings keep the heap to what is live, so a small model's process
 * stays small. CHARRNN_HEAP and CHARRNN_OFFHEAP, when set, are the user's limits and are left alone.
 */
final class MemoryPlan {
    /** "auto": the launcher's ceiling may be raised; "planned": this process was started with its plan. */
    static final String PROPERTY = "charrnn.memory";
    private static final String OFF_HEAP = "org.bytedeco.javacpp.maxbytes";
    private static final long MB = 1L << 20;
    /** The heap beyond the estimate: classes, the corpus' reading, the progress and metrics, Jackson. */
    private static final long HEAP_BASE = 128 * MB;

    private MemoryPlan() {}

    /** Heap the need calls for: its heap part with a half to spare for the collector, and the base; in 16 MB steps. */
    static long heapFor(MemoryEstimate need) {
        long bytes = (long) (need.heapBytes() * 1.5) + HEAP_BASE;
        return (bytes + 16 * MB - 1) / (16 * MB) * (16 * MB);
    }

    /** JavaCPP's limit (what it counts: the bf16 copies and oneDNN's objects), twice the need and a base. */
    static long offHeapFor(MemoryEstimate need) {
        return 2 * need.bf16Bytes() + 256 * MB;
    }

    /**
     * Applies a plan to this process: JavaCPP's limit, unless the user set one; and, when the launcher
     * left the heap to the plan and it is short, throws {@link Relaunch} with the heap to start again with.
     */
    static void apply(MemoryEstimate need) {
        if (need == null || !"auto".equals(System.getProperty(PROPERTY))) return;
        if (System.getProperty(OFF_HEAP) == null) System.setProperty(OFF_HEAP, Long.toString(offHeapFor(need)));
        long heap = Math.min(heapFor(need), (long) (MemoryEstimate.machineBytes() * 0.75));
        if (heap > Runtime.getRuntime().maxMemory() * 1.05) throw new Relaunch(heap, System.getProperty(OFF_HEAP));
    }

    /** "heap up to 752 MB (sized to this model; CHARRNN_HEAP sets it)": for the start report. */
    static String describe() {
        String mode = System.getProperty(PROPERTY, "");
        long mb = Runtime.getRuntime().maxMemory() >> 20;
        return String.format(Locale.ROOT, "heap up to %,d MB (%s)", mb, mode.equals("planned") ? "sized to this model; CHARRNN_HEAP sets it"
                : mode.equals("auto") ? "the launcher's; CHARRNN_HEAP sets it" : "this JVM's -Xmx");
    }

    /** "-Xmx1168m": a heap size as the JVM takes it. */
    static String xmx(long bytes) {
        return String.format(Locale.ROOT, "-Xmx%dm", (bytes + MB - 1) / MB);
    }

    /** This JVM's command line again, with the planned heap in place of the launcher's ceiling. */
    static List<String> command(long heap, String offHeap, List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java"));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-Xmx") || a.startsWith("-D" + PROPERTY + "=") || a.startsWith("-D" + OFF_HEAP + "=")) continue;
            cmd.add(a);
        }
        cmd.add(xmx(heap));
        cmd.add("-D" + OFF_HEAP + "=" + offHeap);
        cmd.add("-D" + PROPERTY + "=planned");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Main.class.getName());
        cmd.addAll(args);
        return cmd;
    }

    /** The process must start again with this heap: thrown before anything is computed, caught by Main. */
    static final class Relaunch extends RuntimeException {
        final long heap;
        final String offHeap;

        Relaunch(long heap, String offHeap) {
            super("relaunch with " + xmx(heap), null, false, false);
            this.heap = heap;
            this.offHeap = offHeap;
        }
    }
}
