package dev.jquant.cli.bench;

import java.util.List;
import java.util.Optional;

/** Every engine's samples in one configuration, the peer (when there is one) last. */
public record ConfigurationResult(Configuration configuration, List<EngineSamples> engines) {

    public ConfigurationResult {
        engines = List.copyOf(engines);
    }

    public Optional<EngineSamples> peer() {
        return engines.stream().filter(EngineSamples::peer).findFirst();
    }

    /** {@code engine}'s median over the peer's (below 1: faster than the peer); NaN without a peer. */
    public double ratioToPeer(EngineSamples engine) {
        return peer().map(p -> engine.stats().medianNanos() / p.stats().medianNanos()).orElse(Double.NaN);
    }
}
