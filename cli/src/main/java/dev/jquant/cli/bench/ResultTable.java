package dev.jquant.cli.bench;

import dev.jquant.cli.Units;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The terminal report: the setting, the latency table with ratios, load-to-first-result and the warnings. */
final class ResultTable {

    private ResultTable() {
    }

    static void print(PrintWriter out, BenchResult r) {
        Machine m = r.machine();
        out.println("model     " + r.model() + (r.onnx() == null ? "" : " (peer: " + r.onnx() + ")"));
        out.println("machine   " + m.cpu() + ", " + m.cores() + " cores; JDK " + m.jdk() + "; " + m.os());
        out.println("software  jquant " + m.jquantVersion() + (r.onnx() == null ? "" : ", ONNX Runtime " + m.onnxRuntimeVersion())
                + "; " + m.kernels());
        out.println("runs      " + r.runs() + " per configuration after " + r.warmup() + " warm-up"
                + (r.onnx() == null ? "" : "; every engine in turn, interleaved"));
        out.println();
        printLatencies(out, r);
        if (!r.loads().isEmpty()) {
            out.println();
            printLoads(out, r);
        }
        List<String> warnings = r.warnings();
        if (!warnings.isEmpty()) {
            out.println();
            warnings.forEach(out::println);
        }
        out.flush();
    }

    private static void printLatencies(PrintWriter out, BenchResult r) {
        boolean peer = r.onnx() != null;
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"threads", "batch", "seq", "engine", "runs", "median", "p90", "p99", "min", "mean",
                "CV", "p90/med", "items/s", peer ? "vs ORT" : ""});
        for (ConfigurationResult c : r.configurations()) {
            Configuration k = c.configuration();
            for (EngineSamples e : c.engines()) {
                LatencyStats s = e.stats();
                rows.add(new String[] {Integer.toString(k.threads()), k.batch() > 0 ? Integer.toString(k.batch()) : "-",
                        k.seq() > 0 ? Integer.toString(k.seq()) : "-", e.name(), Integer.toString(s.runs()),
                        ms(s.medianNanos()), ms(s.p90Nanos()), ms(s.p99Nanos()), ms(s.minNanos()), ms(s.meanNanos()),
                        String.format(Locale.ROOT, "%.1f%%", s.cv() * 100),
                        String.format(Locale.ROOT, "%.2f", s.tailRatio()),
                        String.format(Locale.ROOT, "%.1f", s.throughput(k.items())),
                        peer ? String.format(Locale.ROOT, "%.2f", c.ratioToPeer(e)) : ""});
            }
        }
        out.println("latency per run, ms");
        printAligned(out, rows, 3);
        out.println("items/s = batch / median" + (peer ? "; vs ORT = median / ONNX Runtime's median in the same "
                + "configuration (below 1: faster than ONNX Runtime)" : ""));
    }

    private static void printLoads(PrintWriter out, BenchResult r) {
        Configuration shape = r.loads().getFirst().configuration();
        out.println("load to first result: open the model and create the session, then the first run ("
                + shape.label().replaceFirst(", \\d+ threads?$", "") + "); once per engine per thread count, "
                + "fresh objects");
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"threads", "engine", "open + session", "first run", "total"});
        for (LoadToFirstResult l : r.loads()) {
            rows.add(new String[] {Integer.toString(l.configuration().threads()), l.name() + (l.firstInProcess() ? " *" : ""),
                    Units.millis(l.openNanos()), Units.millis(l.firstRunNanos()), Units.millis(l.totalNanos())});
        }
        printAligned(out, rows, 1);
        List<String> costs = new ArrayList<>();
        if (r.loads().stream().anyMatch(l -> l.firstInProcess() && !l.key().equals(OrtEngine.KEY))) {
            costs.add("loading classes and running cold code (jquant)");
        }
        if (r.loads().stream().anyMatch(l -> l.firstInProcess() && l.key().equals(OrtEngine.KEY))) {
            costs.add("loading the native library (ONNX Runtime)");
        }
        if (!costs.isEmpty()) {
            out.println("* first of its kind in this process: includes " + String.join(" or ", costs));
        }
    }

    /** Columns separated by two spaces; column {@code text} is left-aligned, the others (numbers) right-aligned. */
    private static void printAligned(PrintWriter out, List<String[]> rows, int text) {
        int[] width = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int c = 0; c < row.length; c++) {
                width[c] = Math.max(width[c], row[c].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int c = 0; c < row.length; c++) {
                String pad = " ".repeat(width[c] - row[c].length());
                line.append(c == 0 ? "" : "  ").append(c == text ? row[c] + pad : pad + row[c]);
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** Milliseconds with three significant digits or more: 0.123, 12.34, 123.4. */
    static String ms(double nanos) {
        double ms = nanos / 1e6;
        return String.format(Locale.ROOT, ms < 1 ? "%.3f" : ms < 100 ? "%.2f" : "%.1f", ms);
    }
}
