package dev.jquant.compressor;

/**
 * Where long compressor work (a calibration run over many samples, quantizing many tensors) reports how
 * far it has got, so that a front end can draw a progress bar and a library caller can log or ignore it.
 * One task at a time: {@link #begin}, any number of {@link #advance} calls, {@link #end}. The compressor
 * always ends what it begins, also when the work fails, so a bar is never left half drawn.
 * Implementations must be cheap: {@code advance} may be called once per sample.
 */
public interface Progress {

    /** Reports nowhere. */
    Progress NONE = new Progress() {
        @Override
        public void begin(String task, long total, String unit) {
        }

        @Override
        public void advance(long steps) {
        }

        @Override
        public void end() {
        }
    };

    /**
     * Starts a task.
     *
     * @param task what is being done, e.g. {@code calibrating}
     * @param total the steps the task will take, or 0 when not known in advance
     * @param unit what one step is, plural, e.g. {@code samples}
     */
    void begin(String task, long total, String unit);

    /** {@code steps} more steps of the current task are done (usually 1). */
    void advance(long steps);

    /** The current task is over (finished or abandoned); without a current task, does nothing. */
    void end();
}
