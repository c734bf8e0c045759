package dev.jquant.cli.bench;

import dev.jquant.runtime.Model;
import dev.jquant.runtime.Result;
import dev.jquant.runtime.RunProfile;
import dev.jquant.runtime.Session;
import dev.jquant.runtime.SessionOptions;
import dev.jquant.runtime.Tensor;
import dev.jquant.runtime.UnsupportedOperatorException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** A {@code .jqm} model on one jquant backend: its own model (a fresh mapping of the file) and session. */
final class JquantEngine implements Engine {

    private final Model model;
    private final Session session;
    private Map<String, Tensor> inputs;

    private JquantEngine(Model model, Session session) {
        this.model = model;
        this.session = session;
    }

    /** Opens the file and creates the session: what an application does before its first request. */
    static JquantEngine open(Path jqm, String backend, int threads) throws IOException, UnsupportedOperatorException {
        Model model = Model.open(jqm);
        try {
            return new JquantEngine(model, model.newSession(SessionOptions.builder().backend(backend).threads(threads)
                    .build()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    @Override
    public String key() {
        return session.backendName();
    }

    @Override
    public String name() {
        return "jquant " + session.backendName();
    }

    @Override
    public boolean peer() {
        return false;
    }

    @Override
    public void use(Map<String, Tensor> inputs) {
        this.inputs = inputs;
    }

    @Override
    public void run() {
        // The plain API, as ONNX Runtime's run(Map) is on the other side: outputs are allocated per run.
        try (Result _ = session.run(inputs)) {
            // released at once; only the time counts
        }
    }

    /** Times every node over {@code runs} runs on the current inputs. */
    RunProfile profile(int runs) {
        return session.profile(inputs, runs);
    }

    @Override
    public void close() {
        session.close();
        model.close();
    }
}
