/**
 * jquant's native backends, found through {@link java.util.ServiceLoader}: oneDNN on the CPU, through
 * the JavaCPP presets. The natives load lazily and only here; JavaCPP types never leave this module.
 */
module dev.jquant.nativebindings {
    requires dev.jquant.runtime;
    requires org.bytedeco.javacpp;
    requires org.bytedeco.dnnl;

    provides dev.jquant.runtime.spi.BackendProvider with dev.jquant.nativebindings.onednn.OneDnnBackendProvider;
}
