package dev.jquant.runtime.spi;

import java.util.List;

/**
 * The result of probing a backend.
 *
 * @param available whether it can run on this machine
 * @param reason why not (or a short note when available)
 * @param device the device, e.g. the CPU model
 * @param isa the instruction set it will use, e.g. {@code AVX-512 (512-bit vectors)}
 * @param details further facts worth printing, e.g. library versions
 */
public record BackendProbe(String name, boolean available, String reason, String device, String isa,
        List<String> details) {

    public BackendProbe {
        details = List.copyOf(details);
    }

    public static BackendProbe unavailable(String name, String reason) {
        return new BackendProbe(name, false, reason, "", "", List.of());
    }
}
