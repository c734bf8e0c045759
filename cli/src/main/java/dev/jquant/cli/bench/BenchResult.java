package dev.jquant.cli.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Everything one {@code jquant bench} measured, for the table, the JSON file and the chart.
 *
 * @param model the {@code .jqm} file name
 * @param onnx the peer's {@code .onnx} file name, or null without a peer
 * @param runs and {@code warmup}: the run policies, as people read them
 */
public record BenchResult(String model, String onnx, Machine machine, String runs, String warmup,
        List<LoadToFirstResult> loads, List<ConfigurationResult> configurations) {

    public BenchResult {
        loads = List.copyOf(loads);
        configurations = List.copyOf(configurations);
    }

    /** The engines in the order they appear in every configuration. */
    public List<EngineSamples> engines() {
        return configurations.isEmpty() ? List.of() : configurations.getFirst().engines();
    }

    /** One line per engine and configuration whose spread says the machine was noisy. */
    public List<String> warnings() {
        List<String> warnings = new ArrayList<>();
        for (ConfigurationResult c : configurations) {
            for (EngineSamples e : c.engines()) {
                LatencyStats s = e.stats();
                if (s.noisy()) {
                    warnings.add(String.format(Locale.ROOT, "warning: %s, %s: CV %.0f%%, p90/median %.2f (limits %.0f%%, "
                            + "%.1f): the machine was noisy, so this median and the ratios built on it are less certain",
                            c.configuration().label(), e.name(), s.cv() * 100, s.tailRatio(), LatencyStats.NOISY_CV * 100,
                            LatencyStats.NOISY_TAIL));
                }
            }
        }
        return warnings;
    }
}
