package dev.jquant.runtime.backend;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The CPU's model name and core count, for probes and benchmark reports. */
public final class CpuInfo {
    private CpuInfo() {
    }

    /** e.g. {@code AMD EPYC 9R14 (2 cores available)}; falls back to os.arch where /proc/cpuinfo is absent. */
    public static String description() {
        return modelName() + " (" + Runtime.getRuntime().availableProcessors() + " cores available)";
    }

    public static String modelName() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not readable: the architecture is the best we can say.
        }
        return System.getProperty("os.arch");
    }
}
