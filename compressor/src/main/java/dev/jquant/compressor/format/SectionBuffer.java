package dev.jquant.compressor.format;

import dev.jquant.runtime.format.JqmFormat;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable little-endian byte buffer in which one section (or the header and table) is encoded. */
final class SectionBuffer {

    private static final VarHandle U32 = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U64 = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle U16 = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);

    private final String section;
    private byte[] bytes = new byte[256];
    private int size;

    /** @param section the section's name, for the error when it outgrows a Java array */
    SectionBuffer(String section) {
        this.section = section;
    }

    private int reserve(long n) {
        if (n > Integer.MAX_VALUE - 8 - size) {
            throw new IllegalArgumentException("the " + section + " section would exceed 2 GiB; large constants"
                    + " belong in initializers, whose bytes go to the DATA section");
        }
        int at = size;
        if (size + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 8, Math.max(size + n, 2L * bytes.length)));
        }
        size += (int) n;
        return at;
    }

    SectionBuffer u16(int v) {
        int at = reserve(2); // before reading the field: reserve may replace the array
        U16.set(bytes, at, (short) v);
        return this;
    }

    SectionBuffer u32(int v) {
        int at = reserve(4);
        U32.set(bytes, at, v);
        return this;
    }

    SectionBuffer i64(long v) {
        int at = reserve(8);
        U64.set(bytes, at, v);
        return this;
    }

    SectionBuffer f32(float v) {
        return u32(Float.floatToRawIntBits(v));
    }

    /** A u32 count of the elements that follow, after checking the format's limit. */
    SectionBuffer count(int n, String what) {
        if (n > JqmFormat.MAX_COUNT) {
            throw new IllegalArgumentException(what + ": " + n + " entries exceed the format's limit of " + JqmFormat.MAX_COUNT);
        }
        return u32(n);
    }

    /** u32 byte length, then UTF-8 bytes. */
    SectionBuffer string(String s, String what) {
        if (s == null) {
            throw new IllegalArgumentException(what + " is null; the format stores strings, use \"\" for none");
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > JqmFormat.MAX_STRING_BYTES) {
            throw new IllegalArgumentException(what + ": " + utf8.length + " bytes exceed the format's string limit of "
                    + JqmFormat.MAX_STRING_BYTES);
        }
        u32(utf8.length);
        int at = reserve(utf8.length);
        System.arraycopy(utf8, 0, bytes, at, utf8.length);
        return this;
    }

    SectionBuffer bytes(MemorySegment data) {
        int at = reserve(data.byteSize());
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, bytes, at, (int) data.byteSize());
        return this;
    }

    SectionBuffer zeros(int n) {
        reserve(n);
        return this;
    }

    /** Overwrites four bytes already written. */
    void setU32(int at, int v) {
        U32.set(bytes, at, v);
    }

    int size() {
        return size;
    }

    /** The written bytes, as a view (not a copy). */
    MemorySegment segment() {
        return MemorySegment.ofArray(bytes).asSlice(0, size);
    }
}
