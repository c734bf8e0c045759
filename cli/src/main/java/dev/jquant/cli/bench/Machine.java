package dev.jquant.cli.bench;

import dev.jquant.kernels.KernelConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.stream.Stream;

/** The machine and software a result was measured on, so that a number is never read without its context. */
public record Machine(String cpu, int cores, String jdk, String os, String jquantVersion, String onnxRuntimeVersion,
        String kernels) {

    /** This machine, now. */
    public static Machine describe() {
        return new Machine(cpuModel(), Runtime.getRuntime().availableProcessors(),
                Runtime.version() + " (" + System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor")
                        + ")",
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                        + System.getProperty("os.arch"),
                readJquantVersion(), OrtEngine.version(), KernelConfig.reason());
    }

    /** e.g. {@code AMD EPYC, 2 cores}: short enough for a chart title. */
    public String summary() {
        return cpu + ", " + cores + (cores == 1 ? " core" : " cores") + ", JDK " + Runtime.version().feature();
    }

    /** The first {@code model name} of /proc/cpuinfo (Linux); the architecture elsewhere. */
    private static String cpuModel() {
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                String model = lines.filter(l -> l.startsWith("model name")).map(l -> l.substring(l.indexOf(':') + 1).strip())
                        .findFirst().orElse(null);
                if (model != null && !model.isEmpty()) {
                    return model;
                }
            } catch (IOException | UncheckedIOException e) {
                // fall through to the architecture: a missing CPU name must not stop a benchmark
            }
        }
        return "unknown CPU (" + System.getProperty("os.arch") + ")";
    }

    /** The project version Maven wrote into {@code version.properties} when it built the cli. */
    private static String readJquantVersion() {
        try (InputStream in = Machine.class.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
