package dev.jquant.cli.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A hand-written SVG chart: one panel (a {@code <g class="configuration">}) per configuration with a bar per
 * engine at its median latency, a p10–p90 whisker, the median as a number, and under each bar its ratio to the
 * peer. Each panel has its own linear scale starting at zero: configurations differ in cost by orders of
 * magnitude, and what a panel must show at a glance is how the engines compare within it.
 */
final class SvgChart {

    private static final String[] BACKEND_COLORS = {"#4c78a8", "#54a24b", "#b279a2", "#72b7b2", "#9d755d"};
    private static final String PEER_COLOR = "#f58518";
    private static final int PANEL_WIDTH = 250;
    private static final int PANEL_HEIGHT = 240;
    private static final int COLUMNS = 4;
    private static final int HEADER = 96;
    private static final int FOOTER = 36;
    private static final int AXIS_LEFT = 52;
    private static final int PANEL_TOP = 34;
    private static final int PANEL_BOTTOM = 44;

    private SvgChart() {
    }

    static void write(Path file, BenchResult r) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toSvg(r), StandardCharsets.UTF_8);
    }

    static String toSvg(BenchResult r) {
        List<ConfigurationResult> configs = r.configurations();
        int columns = Math.max(1, Math.min(COLUMNS, configs.size()));
        int rows = (configs.size() + columns - 1) / columns;
        int width = Math.max(columns * PANEL_WIDTH + 20, 760);
        int height = HEADER + Math.max(rows, 1) * PANEL_HEIGHT + FOOTER;
        StringBuilder svg = new StringBuilder();
        svg.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"12\">%n",
                width, height, width, height));
        svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        String peer = r.onnx() == null ? "" : " vs ONNX Runtime " + r.machine().onnxRuntimeVersion();
        text(svg, 10, 22, "start", "font-size=\"16\" font-weight=\"bold\"",
                r.model() + ": median latency per run, lower is better");
        text(svg, 10, 42, "start", "fill=\"#444\"", r.machine().summary() + " · jquant " + r.machine().jquantVersion()
                + peer);
        text(svg, 10, 60, "start", "fill=\"#444\"", "bars: median; whiskers: p10–p90"
                + (r.onnx() == null ? "" : "; under each jquant bar: its median / ONNX Runtime's (below 1: faster)"));
        legend(svg, r.engines(), 10, 80);
        for (int i = 0; i < configs.size(); i++) {
            panel(svg, configs.get(i), 10 + (i % columns) * PANEL_WIDTH, HEADER + (i / columns) * PANEL_HEIGHT);
        }
        text(svg, 10, height - 22, "start", "fill=\"#888\" font-size=\"10\"", "jquant bench · timed runs per "
                + "configuration: " + r.runs() + " · warm-up: " + r.warmup());
        text(svg, 10, height - 8, "start", "fill=\"#888\" font-size=\"10\"", r.machine().cpu() + " · "
                + r.machine().kernels());
        svg.append("</svg>\n");
        return svg.toString();
    }

    private static void legend(StringBuilder svg, List<EngineSamples> engines, int x, int y) {
        int at = x;
        for (int e = 0; e < engines.size(); e++) {
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>%n",
                    at, y - 10, color(engines, e)));
            text(svg, at + 17, y, "start", "", engines.get(e).name());
            at += 30 + 7 * engines.get(e).name().length();
        }
    }

    private static void panel(StringBuilder svg, ConfigurationResult c, int x, int y) {
        Configuration k = c.configuration();
        svg.append(String.format(Locale.ROOT, "<g class=\"configuration\" data-batch=\"%d\" data-seq=\"%d\" "
                + "data-threads=\"%d\" transform=\"translate(%d,%d)\">%n", k.batch(), k.seq(), k.threads(), x, y));
        text(svg, (PANEL_WIDTH - 10) / 2.0, 16, "middle", "font-weight=\"bold\"", k.label());
        double top = PANEL_TOP;
        double bottom = PANEL_HEIGHT - PANEL_BOTTOM;
        double plotWidth = PANEL_WIDTH - 10 - AXIS_LEFT;
        double max = 0;
        for (EngineSamples e : c.engines()) {
            max = Math.max(max, Math.max(e.stats().p90Nanos(), e.stats().medianNanos()) / 1e6);
        }
        double step = niceStep(max * 1.15 / 4);
        double axisMax = Math.max(step, Math.ceil(max * 1.15 / step) * step);
        long ticks = Math.round(axisMax / step);
        for (long i = 0; i <= ticks; i++) {
            double tick = i * step;
            double ty = bottom - tick / axisMax * (bottom - top);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>%n",
                    AXIS_LEFT, ty, AXIS_LEFT + plotWidth, ty, tick == 0 ? "#888" : "#e5e5e5"));
            text(svg, AXIS_LEFT - 4, ty + 4, "end", "fill=\"#444\" font-size=\"10\"", number(tick));
        }
        svg.append(String.format(Locale.ROOT, "<text transform=\"translate(12,%.1f) rotate(-90)\" text-anchor=\"middle\" "
                + "fill=\"#444\" font-size=\"10\">ms</text>%n", (top + bottom) / 2));
        int n = c.engines().size();
        double slot = plotWidth / n;
        double barWidth = Math.min(48, slot * 0.6);
        for (int e = 0; e < n; e++) {
            EngineSamples engine = c.engines().get(e);
            LatencyStats s = engine.stats();
            double cx = AXIS_LEFT + slot * (e + 0.5);
            double median = bottom - s.medianNanos() / 1e6 / axisMax * (bottom - top);
            double p10 = bottom - s.p10Nanos() / 1e6 / axisMax * (bottom - top);
            double p90 = bottom - s.p90Nanos() / 1e6 / axisMax * (bottom - top);
            svg.append(String.format(Locale.ROOT, "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
                    + "fill=\"%s\"><title>%s: median %s ms, p10 %s, p90 %s</title></rect>%n", cx - barWidth / 2, median,
                    barWidth, bottom - median, color(c.engines(), e), escape(engine.name()), ResultTable.ms(s.medianNanos()),
                    ResultTable.ms(s.p10Nanos()), ResultTable.ms(s.p90Nanos())));
            svg.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1fV%.1fM%.1f %.1fH%.1fM%.1f %.1fH%.1f\" "
                    + "stroke=\"#222\" stroke-width=\"1.2\" fill=\"none\"/>%n", cx, p10, p90, cx - 6, p10, cx + 6, cx - 6,
                    p90, cx + 6));
            text(svg, cx, Math.min(median, p90) - 5, "middle", "font-size=\"11\"", ResultTable.ms(s.medianNanos()));
            if (!engine.peer() && c.peer().isPresent()) {
                text(svg, cx, bottom + 16, "middle", "font-weight=\"bold\"",
                        String.format(Locale.ROOT, "%.2f×", c.ratioToPeer(engine)));
            }
        }
        svg.append("</g>\n");
    }

    /** 1, 2, 2.5 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        if (!(raw > 0)) {
            return 1;
        }
        double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * magnitude >= raw) {
                return m * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%.3f", v)
                .replaceFirst("0+$", "");
    }

    private static String color(List<EngineSamples> engines, int e) {
        if (engines.get(e).peer()) {
            return PEER_COLOR;
        }
        return BACKEND_COLORS[e % BACKEND_COLORS.length];
    }

    private static void text(StringBuilder svg, double x, double y, String anchor, String attributes, String content) {
        svg.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\"%s>%s</text>%n", x, y, anchor,
                attributes.isEmpty() ? "" : " " + attributes, escape(content)));
    }

    static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
