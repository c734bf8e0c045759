package dev.jquant.nativebindings.onednn;

import dev.jquant.runtime.spi.BackendProbe;
import java.util.Locale;

/**
 * Loads oneDNN once and remembers the outcome. Every JavaCPP class is reached through
 * {@link OneDnnLibrary#load()} inside a catch-all, so a missing jar, a missing native library or a
 * failing initializer becomes an unavailable probe with the reason, never an error.
 */
final class OneDnnAvailability {

    private static final System.Logger LOG = System.getLogger(OneDnnAvailability.class.getName());

    private static BackendProbe probe;
    private static OneDnnLibrary library;

    private OneDnnAvailability() {
    }

    static synchronized BackendProbe probe() {
        if (probe == null) {
            try {
                library = OneDnnLibrary.load();
                probe = library.probe();
            } catch (Throwable e) {
                LOG.log(System.Logger.Level.DEBUG, "oneDNN did not load", e);
                probe = BackendProbe.unavailable(OneDnnBackendProvider.NAME, reason(e, platform()));
            }
        }
        return probe;
    }

    /** The loaded library; only after an available probe. */
    static synchronized OneDnnLibrary library() {
        BackendProbe p = probe();
        if (library == null) {
            throw new IllegalStateException("backend '" + OneDnnBackendProvider.NAME + "' is unavailable: " + p.reason());
        }
        return library;
    }

    /** Why loading failed, in terms of what to put on the class path. */
    static String reason(Throwable e, String platform) {
        Throwable root = e instanceof ExceptionInInitializerError && e.getCause() != null ? e.getCause() : e;
        String message = String.valueOf(root.getMessage());
        if (root instanceof NoClassDefFoundError || root instanceof ClassNotFoundException) {
            if (message.contains("javacpp")) {
                return "JavaCPP (org.bytedeco:javacpp) is not on the class path: " + message;
            }
            return "the oneDNN presets (org.bytedeco:dnnl) are not on the class path: " + message;
        }
        if (root instanceof TypeNotPresentException t) {
            return "class " + t.typeName() + " is not on the class path (the dnnl presets inherit the OpenCL "
                    + "presets, org.bytedeco:opencl)";
        }
        if (root instanceof UnsatisfiedLinkError) {
            String presets = message.contains("OpenCL") ? "opencl" : "dnnl";
            return "org.bytedeco " + presets + " natives for " + platform + " are not on the class path or failed "
                    + "to load (org.bytedeco:" + presets + ":<version>:" + platform + "): " + message;
        }
        return "oneDNN failed to load: " + root;
    }

    /** This machine in JavaCPP's platform naming, e.g. {@code linux-x86_64}, {@code linux-arm64}. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "");
        os = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows") ? "windows" : os;
        arch = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
        return os + "-" + arch;
    }
}
