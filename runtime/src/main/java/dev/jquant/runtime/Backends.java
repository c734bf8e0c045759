package dev.jquant.runtime;

import dev.jquant.runtime.backend.JavaBackendProvider;
import dev.jquant.runtime.spi.Backend;
import dev.jquant.runtime.spi.BackendProbe;
import dev.jquant.runtime.spi.BackendProvider;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;

/**
 * Finds backends with {@link ServiceLoader} and says which can run here. The Java backend is always
 * present; native ones come from optional jars and report why they are unavailable instead of failing.
 */
public final class Backends {

    public static final String AUTO = "auto";

    private Backends() {
    }

    /** Every backend found, highest priority first, each with its probe; never throws. */
    public static List<BackendProbe> probe() {
        List<BackendProbe> probes = new ArrayList<>();
        for (BackendProvider p : providers()) {
            probes.add(safeProbe(p));
        }
        return probes;
    }

    /** Opens {@code name} ({@code auto} = the highest-priority available backend). */
    public static Backend open(String name) {
        List<BackendProvider> providers = providers();
        if (name.equalsIgnoreCase(AUTO)) {
            for (BackendProvider p : providers) {
                if (safeProbe(p).available()) {
                    return p.open();
                }
            }
            return new JavaBackendProvider().open();
        }
        List<String> names = new ArrayList<>();
        for (BackendProvider p : providers) {
            names.add(p.name());
            if (p.name().equalsIgnoreCase(name)) {
                BackendProbe probe = safeProbe(p);
                if (!probe.available()) {
                    throw new IllegalArgumentException("backend '" + name + "' is unavailable: " + probe.reason());
                }
                return p.open();
            }
        }
        throw new IllegalArgumentException("unknown backend '" + name + "', expected auto or one of " + names);
    }

    private static BackendProbe safeProbe(BackendProvider p) {
        try {
            return p.probe();
        } catch (RuntimeException | LinkageError e) {
            return BackendProbe.unavailable(p.name(), "probe failed: " + e);
        }
    }

    private static List<BackendProvider> providers() {
        List<BackendProvider> found = new ArrayList<>();
        boolean java = false;
        ServiceLoader<BackendProvider> loader = ServiceLoader.load(BackendProvider.class, Backends.class.getClassLoader());
        var it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                BackendProvider p = it.next();
                java |= p.name().equals(JavaBackendProvider.NAME);
                found.add(p);
            } catch (ServiceConfigurationError | LinkageError e) {
                System.getLogger(Backends.class.getName()).log(System.Logger.Level.WARNING,
                        "skipping a backend that failed to load: " + e);
            }
        }
        if (!java) {
            found.add(new JavaBackendProvider());
        }
        found.sort(Comparator.comparingInt(BackendProvider::priority).reversed());
        return found;
    }
}
