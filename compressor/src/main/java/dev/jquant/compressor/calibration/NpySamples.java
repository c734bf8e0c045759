package dev.jquant.compressor.calibration;

import dev.jquant.compressor.io.Npy;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.graph.ValueInfo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Calibration samples saved with {@code numpy.save}, in one of two layouts:
 * <pre>
 * DIR/&lt;sample&gt;.npy                 a model with one input: each file is one sample of it
 * DIR/&lt;sample&gt;/&lt;input name&gt;.npy    any model: each directory is one sample, one file per graph input
 * </pre>
 * Samples are taken in file-name order. Each array holds the whole input, batch dimension included, with
 * the graph input's element type and rank. In file names, the characters {@code / \ :} of an input name
 * are written as {@code _}. Hidden entries (names starting with a dot) are ignored; anything else that
 * does not fit the layout is an error that names it. The layout is checked when the source is opened;
 * each file is read, and checked against its graph input, only when its sample is loaded.
 */
public final class NpySamples implements SampleSource {
    private final List<ValueInfo> inputs;
    /** Sample files, or sample directories when {@link #perDirectory}. */
    private final List<Path> samples;
    private final boolean perDirectory;

    private NpySamples(List<ValueInfo> inputs, List<Path> samples, boolean perDirectory) {
        this.inputs = List.copyOf(inputs);
        this.samples = List.copyOf(samples);
        this.perDirectory = perDirectory;
    }

    /**
     * Lists the samples in {@code dir} for a graph with these inputs.
     *
     * @throws IOException when the directory is missing, empty or does not follow the layout
     */
    public static NpySamples open(Path dir, List<ValueInfo> inputs) throws IOException {
        if (!Files.isDirectory(dir)) {
            throw new IOException(dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory")
                    + "; calibration samples are a directory of .npy files");
        }
        List<Path> files = new ArrayList<>();
        List<Path> directories = new ArrayList<>();
        for (Path entry : entries(dir)) {
            if (Files.isDirectory(entry)) {
                directories.add(entry);
            } else if (entry.getFileName().toString().endsWith(".npy")) {
                files.add(entry);
            } else {
                throw new IOException(entry + ": not a .npy file; " + layout(dir));
            }
        }
        if (!files.isEmpty() && !directories.isEmpty()) {
            throw new IOException(dir + ": holds both .npy files (e.g. " + files.getFirst().getFileName()
                    + ") and sample directories (e.g. " + directories.getFirst().getFileName() + "); " + layout(dir));
        }
        if (files.isEmpty() && directories.isEmpty()) {
            throw new IOException(dir + ": no calibration samples; " + layout(dir));
        }
        if (!files.isEmpty() && inputs.size() != 1) {
            throw new IOException(dir + ": holds .npy files directly, which feeds a model with one input, but the "
                    + "model has " + inputs.size() + " inputs " + SampleInputs.names(inputs) + "; put each sample in "
                    + "its own directory: " + dir + "/<sample>/<input name>.npy");
        }
        for (Path sample : directories) {
            checkSampleDirectory(sample, inputs);
        }
        return files.isEmpty() ? new NpySamples(inputs, directories, true) : new NpySamples(inputs, files, false);
    }

    /** The file that holds {@code input} inside a sample directory. */
    public static String fileName(ValueInfo input) {
        return input.name().replace('/', '_').replace('\\', '_').replace(':', '_') + ".npy";
    }

    private static void checkSampleDirectory(Path sample, List<ValueInfo> inputs) throws IOException {
        List<String> expected = inputs.stream().map(NpySamples::fileName).toList();
        for (Path entry : entries(sample)) {
            if (!expected.contains(entry.getFileName().toString())) {
                throw new IOException(entry + ": no graph input is stored under this name; a sample directory "
                        + "holds exactly " + expected + " for the graph inputs " + SampleInputs.names(inputs));
            }
        }
        for (int i = 0; i < inputs.size(); i++) {
            if (!Files.isRegularFile(sample.resolve(expected.get(i)))) {
                throw new IOException(sample + ": no " + expected.get(i) + " for graph input " + inputs.get(i));
            }
        }
    }

    /** The directory's entries in name order, hidden ones left out. */
    private static List<Path> entries(Path dir) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().toList();
        }
    }

    private static String layout(Path dir) {
        return "expected " + dir + "/<sample>.npy (one-input models) or " + dir + "/<sample>/<input name>.npy";
    }

    @Override
    public int size() {
        return samples.size();
    }

    @Override
    public Map<String, Tensor> load(int index) throws IOException {
        Path sample = samples.get(index);
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (ValueInfo input : inputs) {
            Path file = perDirectory ? sample.resolve(fileName(input)) : sample;
            Tensor tensor = Npy.read(file);
            String problem = SampleInputs.mismatch(input, tensor);
            if (problem != null) {
                throw new IOException(file + ": " + problem);
            }
            tensors.put(input.name(), tensor);
        }
        return tensors;
    }

    @Override
    public String describe(int index) {
        return samples.get(index).toString();
    }
}
