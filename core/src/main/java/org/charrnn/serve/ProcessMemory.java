package org.charrnn.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory, heap and off-heap (ND4J's arrays) together, where Linux tells it. */
final class ProcessMemory {
    private ProcessMemory() {}

    /** VmRSS from /proc/self/status in bytes, or -1 where there is none. */
    static long residentBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
