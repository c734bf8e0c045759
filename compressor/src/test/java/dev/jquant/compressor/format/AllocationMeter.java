package dev.jquant.compressor.format;

import java.lang.reflect.Method;

/**
 * Bytes the current thread has allocated on the heap, from HotSpot's {@code com.sun.management.ThreadMXBean}.
 * Reached reflectively: test sources compile inside the compressor's module, which does not read
 * {@code jdk.management}, while the tests themselves run on the class path, which reads every module.
 */
public final class AllocationMeter {

    private final Object threads;
    private final Method allocatedBytes;

    public AllocationMeter() {
        try {
            threads = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
            allocatedBytes = Class.forName("com.sun.management.ThreadMXBean").getMethod("getCurrentThreadAllocatedBytes");
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("this JVM cannot count allocated bytes per thread", e);
        }
    }

    public long allocatedBytes() {
        try {
            return (long) allocatedBytes.invoke(threads);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
