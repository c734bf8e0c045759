package dev.jquant.cli;

import dev.jquant.kernels.KernelConfig;
import dev.jquant.runtime.Backends;
import dev.jquant.runtime.spi.BackendProbe;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code jquant backends}: which backends can run here, and why the others cannot. */
@Command(name = "backends",
        description = {"List every backend found: available or not and why, its device and instruction set.",
                "Ends with the kernels the Java backend chose (Vector API or scalar) and the reason."},
        footerHeading = "%nExamples:%n",
        footer = {"  jquant backends",
                "  jquant run model.jqm --backend java ...   force a backend listed here",
                "  jquant inspect model.jqm --plan --backend onednn   which backend runs each node, and why"})
final class BackendsCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        PrintWriter out = spec.commandLine().getOut();
        List<BackendProbe> probes = Backends.probe();
        int width = probes.stream().mapToInt(p -> p.name().length()).max().orElse(4) + 2;
        for (BackendProbe p : probes) {
            String indent = " ".repeat(width);
            out.printf("%-" + width + "s%s  %s%n", p.name(), p.available() ? "available  " : "unavailable", p.reason());
            if (!p.device().isEmpty()) {
                out.println(indent + "device:  " + p.device());
            }
            if (!p.isa().isEmpty()) {
                out.println(indent + "isa:     " + p.isa());
            }
            // One detail a line: a native backend's (version, what it runs, its threading) read as sentences.
            for (int i = 0; i < p.details().size(); i++) {
                out.println(indent + (i == 0 ? "details: " : "         ") + p.details().get(i));
            }
        }
        out.println();
        out.println("kernels: " + KernelConfig.reason());
        out.flush();
    }
}
