package dev.jquant.compressor.report;

import dev.jquant.compressor.Compressed;
import dev.jquant.compressor.quantize.LayerAccuracy;
import dev.jquant.compressor.quantize.LayerReport;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML page (no scripts, no external files) on one compression: sizes, then one row per
 * compressed weight with its scheme, bits, bytes, weight SQNR and cosine, and — when sample inputs were
 * given — the SQNR and cosine of the layer's output against the float model, with a bar chart of the
 * per-layer output SQNR so the weak layers stand out.
 */
public final class CompressionReport {

    private static final int BAR_WIDTH = 420;
    private static final int ROW_HEIGHT = 16;
    private static final int LABEL_WIDTH = 260;

    private CompressionReport() {
    }

    /**
     * @param title what was compressed, e.g. the source file's name
     * @param floatBytes the float {@code .jqm}'s (or source model's) size
     * @param compressedBytes the written file's size
     * @param settings one line on the settings used (precision, activations, calibration)
     */
    public static String html(String title, long floatBytes, long compressedBytes, String settings, Compressed c) {
        Map<String, LayerAccuracy> byNode = new HashMap<>();
        c.accuracy().forEach(a -> byNode.put(a.node(), a));
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>jquant report: ")
                .append(escape(title)).append("</title>\n<style>")
                .append("body{font:14px system-ui,sans-serif;margin:24px;color:#222}")
                .append("table{border-collapse:collapse}td,th{padding:3px 8px;border-bottom:1px solid #ddd;")
                .append("text-align:right}td:first-child,th:first-child,td.l{text-align:left}")
                .append("th{background:#f4f4f4}.bad{color:#b00}</style></head><body>\n");
        h.append("<h1>").append(escape(title)).append("</h1>\n<p>").append(escape(settings)).append("</p>\n");
        h.append(String.format(Locale.ROOT, "<p><b>%s → %s</b> (%.1f%% of float, %.1f× smaller)%s</p>%n",
                bytes(floatBytes), bytes(compressedBytes), 100.0 * compressedBytes / floatBytes,
                (double) floatBytes / compressedBytes, c.errorCorrected()
                        ? "; 4-bit weights rounded with error feedback (GPTQ) from the calibration samples" : ""));
        List<LayerReport> layers = c.model().layers();
        if (!c.accuracy().isEmpty()) {
            h.append("<h2>Output SQNR per layer</h2>\n<p>Each MatMul/Gemm/Conv output of the compressed model ")
                    .append("against the float model's on the sample inputs (higher is better; errors of earlier ")
                    .append("layers included).</p>\n");
            chart(h, c.accuracy());
        }
        h.append("<h2>Weights</h2>\n<table><tr><th>weight</th><th>read by</th><th>op</th><th>shape</th><th>scheme</th>")
                .append("<th>bits/weight</th><th>float bytes</th><th>stored bytes</th><th>weight SQNR dB</th>")
                .append("<th>weight cosine</th><th>output SQNR dB</th><th>output cosine</th></tr>\n");
        for (LayerReport l : layers) {
            LayerAccuracy a = l.nodes().stream().map(byNode::get).filter(x -> x != null).findFirst().orElse(null);
            h.append("<tr><td>").append(escape(l.tensor())).append("</td><td class=\"l\">")
                    .append(escape(String.join(", ", l.nodes()))).append("</td><td class=\"l\">").append(escape(l.opType()))
                    .append("</td><td class=\"l\">").append(Arrays.toString(l.shape())).append("</td><td class=\"l\">")
                    .append(escape(l.scheme())).append("</td>")
                    .append(cell("%.2f", l.bits())).append("<td>").append(bytes(l.bytesBefore())).append("</td><td>")
                    .append(bytes(l.bytesAfter())).append("</td>").append(cell("%.1f", l.sqnrDb()))
                    .append(cell("%.5f", l.cosine()))
                    .append(a == null ? "<td></td><td></td>" : cell("%.1f", a.sqnrDb()) + cell("%.5f", a.cosine()))
                    .append("</tr>\n");
        }
        h.append("</table>\n<p>SQNR = 10·log10(Σx² / Σ(x − x̂)²). Weights below 1024 elements (biases, norms) ")
                .append("stay float and are not listed.</p>\n</body></html>\n");
        return h.toString();
    }

    private static void chart(StringBuilder h, List<LayerAccuracy> accuracy) {
        double max = accuracy.stream().mapToDouble(LayerAccuracy::sqnrDb).filter(Double::isFinite).max().orElse(1);
        double worst = accuracy.stream().mapToDouble(LayerAccuracy::sqnrDb).min().orElse(0);
        int height = accuracy.size() * ROW_HEIGHT + 24;
        h.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-size=\"11\" font-family=\"monospace\">%n", LABEL_WIDTH + BAR_WIDTH + 80, height));
        for (int i = 0; i < accuracy.size(); i++) {
            LayerAccuracy a = accuracy.get(i);
            double v = Double.isFinite(a.sqnrDb()) ? Math.max(0, a.sqnrDb()) : max;
            int y = i * ROW_HEIGHT + 4;
            int w = (int) Math.round(BAR_WIDTH * v / Math.max(max, 1e-9));
            String color = a.sqnrDb() <= worst + 3 ? "#c0392b" : "#2e86c1";
            h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>"
                    + "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%.1f dB</text>%n", LABEL_WIDTH - 6, y + 11, escape(shorten(a.node())),
                    LABEL_WIDTH, y, w, ROW_HEIGHT - 3, color, LABEL_WIDTH + w + 4, y + 11, a.sqnrDb()));
        }
        h.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" fill=\"#888\">red: within 3 dB of the worst "
                + "layer</text></svg>%n", LABEL_WIDTH, height - 4));
    }

    private static String cell(String format, double v) {
        return "<td>" + (Double.isInfinite(v) ? "∞" : String.format(Locale.ROOT, format, v)) + "</td>";
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : "…" + s.substring(s.length() - 39);
    }

    static String bytes(long b) {
        return b >= 1 << 20 ? String.format(Locale.ROOT, "%.1f MiB", b / 1048576.0)
                : b >= 1 << 10 ? String.format(Locale.ROOT, "%.1f KiB", b / 1024.0) : b + " B";
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
