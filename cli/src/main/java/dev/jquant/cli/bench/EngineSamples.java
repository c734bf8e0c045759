package dev.jquant.cli.bench;

/** One engine's timed runs in one configuration, with their summary. */
public record EngineSamples(String key, String name, boolean peer, long[] samplesNanos, LatencyStats stats) {

    static EngineSamples of(Engine engine, long[] samplesNanos) {
        return new EngineSamples(engine.key(), engine.name(), engine.peer(), samplesNanos, LatencyStats.of(samplesNanos));
    }
}
