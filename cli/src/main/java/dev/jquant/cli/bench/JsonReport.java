package dev.jquant.cli.bench;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The machine-readable result: the machine, the settings, per configuration each engine's median in ms (and
 * its ratio to the peer), its summary statistics and its raw samples in ms, then load-to-first-result and the
 * warnings. Times are in milliseconds rounded to 0.1 microsecond.
 */
final class JsonReport {

    /**
     * A pretty-printed array of numbers, to be put on one line rather than one number per line; the raw newline
     * after the bracket cannot occur inside a JSON string, so no string is touched.
     */
    private static final Pattern NUMBER_ARRAY = Pattern.compile("\\[\n([-+.eE\\d,\\s]+)]");

    private JsonReport() {
    }

    static void write(Path file, BenchResult r) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(file, toJson(r) + "\n", StandardCharsets.UTF_8);
    }

    static String toJson(BenchResult r) {
        JsonObject root = new JsonObject();
        root.addProperty("model", r.model());
        if (r.onnx() != null) {
            root.addProperty("peer", r.onnx());
        }
        root.add("machine", machine(r.machine()));
        JsonObject settings = new JsonObject();
        settings.addProperty("runs", r.runs());
        settings.addProperty("warmup", r.warmup());
        settings.addProperty("interleaved", r.onnx() != null || r.engines().size() > 1);
        root.add("settings", settings);
        JsonArray configurations = new JsonArray();
        r.configurations().forEach(c -> configurations.add(configuration(c)));
        root.add("configurations", configurations);
        JsonArray loads = new JsonArray();
        for (LoadToFirstResult l : r.loads()) {
            JsonObject o = new JsonObject();
            o.addProperty("engine", l.key());
            o.addProperty("name", l.name());
            shape(o, l.configuration());
            o.addProperty("open_ms", ms(l.openNanos()));
            o.addProperty("first_run_ms", ms(l.firstRunNanos()));
            o.addProperty("total_ms", ms(l.totalNanos()));
            o.addProperty("first_in_process", l.firstInProcess());
            loads.add(o);
        }
        root.add("load_to_first_result", loads);
        JsonArray warnings = new JsonArray();
        r.warnings().forEach(warnings::add);
        root.add("warnings", warnings);
        String pretty = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(root);
        Matcher m = NUMBER_ARRAY.matcher(pretty);
        return m.replaceAll(a -> Matcher.quoteReplacement("[" + a.group(1).strip().replaceAll("\\s*,\\s*", ", ") + "]"));
    }

    private static JsonObject machine(Machine m) {
        JsonObject o = new JsonObject();
        o.addProperty("cpu", m.cpu());
        o.addProperty("cores", m.cores());
        o.addProperty("jdk", m.jdk());
        o.addProperty("os", m.os());
        o.addProperty("jquant", m.jquantVersion());
        o.addProperty("onnxruntime", m.onnxRuntimeVersion());
        o.addProperty("kernels", m.kernels());
        return o;
    }

    private static JsonObject configuration(ConfigurationResult c) {
        JsonObject o = new JsonObject();
        shape(o, c.configuration());
        JsonObject medians = new JsonObject();
        c.engines().forEach(e -> medians.addProperty(e.key(), ms(e.stats().medianNanos())));
        o.add("median_ms", medians);
        c.peer().ifPresent(peer -> {
            JsonObject ratios = new JsonObject();
            c.engines().stream().filter(e -> !e.peer())
                    .forEach(e -> ratios.addProperty(e.key(), Math.round(c.ratioToPeer(e) * 1e4) / 1e4));
            o.add("ratio_to_" + peer.key(), ratios);
        });
        JsonArray engines = new JsonArray();
        for (EngineSamples e : c.engines()) {
            JsonObject engine = new JsonObject();
            engine.addProperty("engine", e.key());
            engine.addProperty("name", e.name());
            engine.addProperty("peer", e.peer());
            engine.add("stats", stats(e.stats(), c.configuration()));
            JsonArray samples = new JsonArray();
            for (long s : e.samplesNanos()) {
                samples.add(ms(s));
            }
            engine.add("samples_ms", samples);
            engines.add(engine);
        }
        o.add("engines", engines);
        return o;
    }

    private static JsonObject stats(LatencyStats s, Configuration c) {
        JsonObject o = new JsonObject();
        o.addProperty("runs", s.runs());
        o.addProperty("median_ms", ms(s.medianNanos()));
        o.addProperty("p10_ms", ms(s.p10Nanos()));
        o.addProperty("p90_ms", ms(s.p90Nanos()));
        o.addProperty("p99_ms", ms(s.p99Nanos()));
        o.addProperty("min_ms", ms(s.minNanos()));
        o.addProperty("max_ms", ms(s.maxNanos()));
        o.addProperty("mean_ms", ms(s.meanNanos()));
        o.addProperty("stddev_ms", ms(s.stddevNanos()));
        o.addProperty("cv", Math.round(s.cv() * 1e4) / 1e4);
        o.addProperty("p90_over_median", Math.round(s.tailRatio() * 1e4) / 1e4);
        o.addProperty("items_per_s", Math.round(s.throughput(c.items()) * 10) / 10.0);
        o.addProperty("noisy", s.noisy());
        return o;
    }

    /** Batch and sequence (when the model has them) and threads. */
    private static void shape(JsonObject o, Configuration c) {
        if (c.batch() > 0) {
            o.addProperty("batch", c.batch());
        }
        if (c.seq() > 0) {
            o.addProperty("seq", c.seq());
        }
        o.addProperty("threads", c.threads());
    }

    private static double ms(double nanos) {
        return Math.round(nanos / 100) / 1e4;
    }
}
