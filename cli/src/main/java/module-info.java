/** The {@code jquant} command line: compress, run, inspect, backends and the demo. */
module dev.jquant.cli {
    requires dev.jquant.compressor;
    requires dev.jquant.runtime;
    requires info.picocli;
    requires com.microsoft.onnxruntime;
    requires com.google.gson;

    // picocli reads and sets the annotated fields of the command classes reflectively.
    opens dev.jquant.cli to info.picocli;
    opens dev.jquant.cli.bench to info.picocli;
}
