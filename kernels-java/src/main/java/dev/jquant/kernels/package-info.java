/**
 * Compute kernels. Each family is an interface with a scalar reference implementation (the ground
 * truth, kept simple) and a Vector API implementation chosen once at class initialization; tests
 * compare the two over odd sizes. Kernels read and write {@link java.lang.foreign.MemorySegment}s
 * with explicit little-endian layouts and never allocate in their loops.
 */
package dev.jquant.kernels;
